"""The facilitator's votes and contributions: what the room votes on, the top actions into
the room's plan, and each contribution read before the room sees it."""

from datetime import date

import streamlit as st

from scoring.diagnostics import eight_aspects, tolerance
from scoring.records import development_plan as plan
from scoring.store import StoreUnavailable
from scoring.workshop import room, voice
from ui import kept_choices, session
from ui.widgets import plain
from ui.workshop import screen

RANKING_REFRESH_SECONDS = 5  # the ranking follows the votes; slow enough to fill in a form between

token = screen.facilitator_token()
if token is None:
    st.error("Only the facilitator's link opens this page.", icon=":material/lock:")
    st.stop()
workshop = session.workshop()
store = session.store()
aspect_titles = {a.id: a.title for a in eight_aspects.instrument().aspects}

st.title("Votes and contributions")
st.caption(
    "Keep this page off the projector: contributions arrive here unread. The room sees the "
    "ranking and the contributions you show on the shared screen (choose them under “Chart under discussion”)."
)


def attempt(action, done: str | None = None) -> bool:
    """Run a store action from a button; its refusal is said on the page, never raised.
    Returns whether it was done."""
    try:
        action()
    except (voice.VoiceError, StoreUnavailable, plan.PlanError) as exc:
        st.session_state["vc_notice"] = ("error", f"Not done: {exc}")
        return False
    if done:
        st.session_state["vc_notice"] = ("success", done)
    return True


notice = st.session_state.pop("vc_notice", None)
if notice:
    (st.error if notice[0] == "error" else st.success)(notice[1])


def plan_form(form_key: str, text: str, aspect_id: str | None, source_key: str | None, origin: str, done) -> None:
    """A form that puts `text` into the room's plan with its aspect, owner and date (or
    gives the plan action it came from its owner and date); `done(plan key)` after."""
    kept_choices.forget_if_drawn_afresh(form_key, f"{form_key}_owner")
    with st.form(form_key, border=True):
        st.markdown(f"**{plain(text)}**")
        first, second, third = st.columns(3)
        known = aspect_id if aspect_id in eight_aspects.ASPECTS else None
        chosen = first.selectbox(
            "Aspect",
            eight_aspects.ASPECTS,
            index=eight_aspects.ASPECTS.index(known) if known else None,
            format_func=aspect_titles.get,
            key=f"{form_key}_aspect",
        )
        owner = second.text_input("Owner", max_chars=plan.TEXT_LIMIT, key=f"{form_key}_owner")
        due = third.date_input("By when", value=None, min_value=date.today(), format="DD/MM/YYYY", key=f"{form_key}_due")
        if st.form_submit_button("Add to the room's plan", type="primary", icon=":material/playlist_add:"):
            # Read when the form is sent, not on every refresh of the ranking around it.
            source = store.response(token).get(plan.ID, {}).get(source_key or "")
            # A new action keeps its key until it is all done: sent again after its vote could
            # not be marked as moved, it is the same action, not a second one.
            key = source_key if source else st.session_state.setdefault(f"{form_key}_plan_key", plan.new_action_key())
            record = voice.plan_action(text, source, aspect_id=chosen, owner=owner, due=due, origin=origin)
            problem = session.save(plan.ID, key, record, quiet=True, previous=source)
            # A refusal is said through the ranking's refreshes too, until the form sends again.
            if kept_choices.form_saved(form_key, problem, "Not added"):
                if attempt(lambda: done(key), f"In the room's plan, with its owner and date: {text}"):
                    st.session_state.pop(f"{form_key}_plan_key", None)
                st.rerun()
        kept_choices.notice(form_key)


settings = store.voice(token)
vote_tab, contribution_tab = st.tabs(["Dot-vote", "Contributions"])

# --- The dot-vote ------------------------------------------------------------------------
with vote_tab:
    first, second, third = st.columns([1, 1, 2], vertical_alignment="bottom")
    first.number_input(
        "Votes each",
        min_value=1,
        max_value=voice.MAX_VOTES_EACH,
        value=settings["votes_each"],
        key="vc_votes_each",
        help=f"Each participant may put at most {voice.MAX_ON_ONE} on any one action.",
    )
    first.button("Set", key="vc_set_votes", on_click=lambda: attempt(lambda: store.set_voice(token, votes_each=int(st.session_state["vc_votes_each"]))))
    if settings["voting_open"]:
        second.button(
            "Close voting", key="vc_close_voting", on_click=lambda: attempt(lambda: store.set_voice(token, voting_open=False)), icon=":material/lock:"
        )
    else:
        second.button(
            "Open voting",
            key="vc_open_voting",
            on_click=lambda: attempt(lambda: store.set_voice(token, voting_open=True)),
            type="primary",
            icon=":material/how_to_vote:",
        )
    third.caption(voice.rule(settings["votes_each"]) + " Phones follow within a few seconds.")

    listed = [c["text"] for c in store.candidates(token)[0]]

    st.header("Actions put to the vote")
    response = store.response(token)
    factor_texts = {f.id: f.text for f in eight_aspects.instrument().factors}
    suggestions = voice.plan_suggestions(response.get(plan.ID, {}), factor_texts)
    if tolerance.ID in workshop["diagnostics"]:
        people = screen.participants(token)
        profile = room.tolerance_profile(people, workshop["min_group"])
        areas = {a.id: a for a in tolerance.instrument().areas}
        suggestions += voice.stop_first_suggestions(profile, areas)
    fresh = voice.new_suggestions(suggestions, listed)
    labels = {n: f"{s.text} ({voice.ORIGINS[s.origin].lower()})" for n, s in enumerate(fresh)}
    if fresh:
        chosen = st.multiselect("From the room's plan and what it should stop tolerating first", list(labels), format_func=labels.get, key="vc_suggested")

        def put_chosen() -> None:
            for n in st.session_state.get("vc_suggested") or []:
                s = fresh[n]
                attempt(lambda s=s: store.add_candidate(token, s.text, s.origin, aspect_id=s.aspect_id, source_key=s.source_key))
            st.session_state["vc_suggested"] = []

        st.button("Put them to the vote", key="vc_put_suggested", on_click=put_chosen, disabled=not chosen, icon=":material/add:")
    else:
        st.caption("Nothing to suggest from the room's plan or its tolerance answers that is not on the list already.")

    def put_typed() -> None:
        attempt(lambda: store.add_candidate(token, st.session_state.get("vc_typed", ""), voice.FROM_FACILITATOR))
        if st.session_state.get("vc_notice", ("",))[0] != "error":
            st.session_state["vc_typed"] = ""

    st.text_input("Or type an action", key="vc_typed", max_chars=voice.CANDIDATE_LIMIT)
    st.button("Add it to the vote", key="vc_put_typed", on_click=put_typed, icon=":material/edit:")

    @st.fragment(run_every=RANKING_REFRESH_SECONDS)
    def ranking() -> None:
        """The ranking and the top actions, following the votes as they come in."""
        found, voters = store.candidates(token)
        if not found:
            return
        ranked = voice.rank(found)
        by_id = {c["id"]: c for c in found}
        waiting = store.publish_votes(token)
        smallest = workshop["min_group"]
        st.header("The ranking")
        if waiting:
            screen_says = (
                f"the shared screen does not show the latest votes of {waiting} {'person' if waiting == 1 else 'people'} yet: "
                f"it moves once {smallest} people have voted or changed their votes."
            )
        elif voters < smallest:
            screen_says = f"the shared screen shows a ranking once {smallest} people have voted."
        else:
            screen_says = "the shared screen shows the same."
        st.caption(f"{voters} {'person has' if voters == 1 else 'people have'} voted. Ties share a rank (=2). This is the ranking as it stands; {screen_says}")
        for r in ranked:
            candidate = by_id[r.id]
            with st.container(border=True, key=f"vc_row_{r.id}"):
                left, right = st.columns([5, 1], vertical_alignment="center")
                moved = " · in the plan" if candidate["plan_key"] else ""
                left.markdown(
                    f"**{r.rank_label}.** {plain(r.text)}  \n{r.votes} vote{'s' if r.votes != 1 else ''} · {voice.ORIGINS[candidate['origin']]}{moved}"
                )
                right.button(
                    "Remove",
                    key=f"vc_remove_{r.id}",
                    on_click=lambda cid=r.id: attempt(lambda: store.remove_candidate(token, cid)),
                    icon=":material/delete:",
                )
        if voters:
            st.button("Clear every vote", key="vc_clear_votes", on_click=lambda: attempt(lambda: store.clear_votes(token), "Every vote cleared."))

        # --- The top actions into the plan ---------------------------------------------
        st.header("Move the top actions into the room's plan")
        waiting = [by_id[r.id] for r in voice.top(ranked, 3) if not by_id[r.id]["plan_key"]]
        if not waiting:
            st.caption("The top three (with their ties) have votes and are in the plan, or nobody has voted yet.")
        for candidate in waiting:
            votes_text = f"{next(r.votes for r in ranked if r.id == candidate['id'])} votes"
            plan_form(
                f"vc_move_{candidate['id']}",
                candidate["text"],
                candidate["aspect_id"],
                candidate["source_key"],
                f"The room's vote ({votes_text})",
                lambda key, cid=candidate["id"]: store.mark_in_plan(token, cid, key),
            )

    ranking()

# --- Contributions -------------------------------------------------------------------------
with contribution_tab:
    left, right = st.columns([3, 1], vertical_alignment="bottom")
    left.text_input("The question on phones", value=settings["prompt"], max_chars=voice.PROMPT_LIMIT, key="vc_prompt")
    left.button("Change the question", key="vc_set_prompt", on_click=lambda: attempt(lambda: store.set_voice(token, prompt=st.session_state["vc_prompt"])))
    if settings["contributions_open"]:
        right.button(
            "Stop taking them",
            key="vc_close_contributions",
            on_click=lambda: attempt(lambda: store.set_voice(token, contributions_open=False)),
            icon=":material/lock:",
        )
    else:
        right.button(
            "Take contributions",
            key="vc_open_contributions",
            on_click=lambda: attempt(lambda: store.set_voice(token, contributions_open=True)),
            type="primary",
            icon=":material/forum:",
        )

    @st.fragment(run_every=screen.REFRESH_SECONDS)
    def moderation() -> None:
        every = store.contributions(token)
        listed_now = {c["text"].casefold() for c in store.candidates(token)[0]}
        for status, heading in ((voice.NEW, "To read"), (voice.SHOWN, "Shown on the screen"), (voice.HIDDEN, "Hidden")):
            group = [c for c in every if c["status"] == status]
            st.header(f"{heading} ({len(group)})")
            if not group:
                st.caption("None." if status != voice.NEW else "Nothing waiting. Contributions appear here as they arrive.")
            for c in group:
                with st.container(border=True, key=f"vc_c_{c['id']}"):
                    st.markdown(plain(c["text"]))
                    buttons = st.columns(4)
                    if status != voice.SHOWN:
                        buttons[0].button(
                            "Show",
                            key=f"vc_show_{c['id']}",
                            on_click=lambda cid=c["id"]: attempt(lambda: store.moderate(token, cid, voice.SHOWN)),
                            icon=":material/visibility:",
                        )
                    else:
                        buttons[0].button(
                            "Hide",
                            key=f"vc_hide_{c['id']}",
                            on_click=lambda cid=c["id"]: attempt(lambda: store.moderate(token, cid, voice.HIDDEN)),
                            icon=":material/visibility_off:",
                        )
                    buttons[1].button(
                        "Reject",
                        key=f"vc_reject_{c['id']}",
                        on_click=lambda cid=c["id"]: attempt(lambda: store.moderate(token, cid, voice.REJECTED)),
                        icon=":material/block:",
                    )
                    if status == voice.SHOWN:
                        buttons[2].button(
                            "Put it to the vote",
                            key=f"vc_to_vote_{c['id']}",
                            on_click=lambda text=c["text"]: attempt(lambda: store.add_candidate(token, text, voice.FROM_CONTRIBUTION), "Put to the vote."),
                            disabled=c["text"].casefold() in listed_now,
                            icon=":material/how_to_vote:",
                        )
        rejected = sum(1 for c in every if c["status"] == voice.REJECTED)
        if rejected:
            st.caption(f"{rejected} rejected: never shown, and left out of the pack.")

    moderation()
    shown = store.contributions(token, statuses=(voice.SHOWN,))
    if shown:
        st.header("A shown contribution into the room's plan")
        labels = {c["id"]: c["text"] for c in shown}
        picked = st.selectbox("Contribution", list(labels), format_func=labels.get, index=None, key="vc_to_plan_pick")
        if picked:
            plan_form(f"vc_plan_{picked}", labels[picked], None, None, "A contribution from the room", lambda key: None)
