"""A room: its participants, aggregation under the small-group rules, the shared screen's views, set-up and the pack."""
