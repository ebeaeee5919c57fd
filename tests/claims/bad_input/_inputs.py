"""The inputs the bad-input tests send, and what "nothing changed" means."""

from typing import Any

from django.urls import reverse

from claims.models import Article, AuditEvent, Claim, Verdict

ARTICLES = reverse("api:articles")
INGEST = reverse("claims:article-create")
ENGLISH = (
    "The council approved 12 new bus lines on Monday, the mayor said.\n\nOfficials told reporters "
    "that ridership rose by 14 percent in 2023 and that the city will add more routes next year."
)
FRENCH = (
    "Le conseil municipal a approuvé lundi douze nouvelles lignes de bus, a déclaré le maire. "
    "Selon les responsables, la fréquentation a augmenté de 14 pour cent en 2023 et la ville "
    "ajoutera des lignes l'année prochaine."
)
GERMAN = (
    "Der Stadtrat hat am Montag zwölf neue Buslinien genehmigt, sagte der Bürgermeister. Die "
    "Zahl der Fahrgäste ist nach Angaben der Verwaltung im Jahr 2023 um 14 Prozent gestiegen, "
    "und die Stadt will im nächsten Jahr noch mehr Linien einrichten."
)
RUSSIAN = (
    "Городской совет в понедельник одобрил двенадцать новых автобусных маршрутов, сообщил мэр. "
    "По словам чиновников, число пассажиров в 2023 году выросло на 14 процентов."
)
HOSTILE = (
    "The council approved 12 new bus lines <script>window.__pwned = 'script'</script> on Monday.\n\n"
    '<img src="x" onerror="window.__pwned = \'img\'"> Officials said ridership rose by 14 percent.\n\n'
    "<a href=\"javascript:window.__pwned = 'link'\">Read the minutes</a>, the mayor said."
)


# --- What "nothing changed" means -------------------------------------------------------------


def _snapshot() -> dict[str, list[Any]]:
    return {
        "articles": list(Article.objects.order_by("pk").values()),
        "claims": list(Claim.objects.order_by("pk").values()),
        "verdicts": list(Verdict.objects.order_by("pk").values()),
        "audit": list(AuditEvent.objects.order_by("pk").values_list("pk", flat=True)),
    }


def _detail(response: Any) -> str:
    return str(response.json().get("detail", ""))


# --- Empty text -------------------------------------------------------------------------------

BLANKS = ["", "   ", "\n\t \r\n", "\u00a0\u2003\u3000"]
