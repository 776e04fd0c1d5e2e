"""What comes in from outside: survey exports and the limits every upload meets."""
