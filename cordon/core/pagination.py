"""The API's page numbers, bounded: page 10**20 is a 422, not an overflow deep in the database."""

from ninja import Field, Schema
from ninja.pagination import PageNumberPagination


class Pages(PageNumberPagination):
    class Input(Schema):
        page: int = Field(1, ge=1, le=1_000_000)
        page_size: int | None = Field(None, ge=1, le=500)
