"""The assembled schema."""

import strawberry

from schema.resolvers import Mutation, Query

schema = strawberry.Schema(query=Query, mutation=Mutation)
