"""``{% status_colour person %}``: a person's status colour, its reasons and since when."""

from django import template

from cordon.colours import selectors

register = template.Library()


@register.inclusion_tag("colours/_colour.html")
def status_colour(person):
    return {"colour": selectors.person_colour(person)} if person is not None else {"colour": None}
