"""What the dashboard tests read off a response."""

from django.contrib.messages import get_messages


def _ids(response):
    return [c.pk for c in response.context["page"].object_list]


def _messages(response):
    return [str(m) for m in get_messages(response.wsgi_request)]
