"""The GraphQL schema (Strawberry). `schema.schema.schema` is the one to serve."""
