"""``{{ estimate|estimate }}``: an agreement figure with its interval, or a dash when undefined."""

from django import template

from claims.reliability import Estimate

register = template.Library()


@register.filter
def estimate(value: Estimate) -> str:
    if value.value is None:
        return "—"
    text = f"{value.value:.2f}"
    if value.low is not None and value.high is not None:
        text += f" [{value.low:.2f}, {value.high:.2f}]"
    return text
