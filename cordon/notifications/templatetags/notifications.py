"""``{% todo_list %}``: the signed-in user's open tasks, for any home page to include in one line."""

from django import template

from cordon.notifications import selectors

register = template.Library()


@register.inclusion_tag("notifications/_todo.html", takes_context=True)
def todo_list(context, limit: int = 20):
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"todo": []}
    return {"todo": selectors.todo_rows(user, limit=limit)}
