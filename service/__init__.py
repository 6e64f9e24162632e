"""The service layer shared by REST and GraphQL: validation, rules, results.

Routes and resolvers call into here with the palace already resolved; the SQL
lives in `db/`, and nothing here commits: the request owns the transaction.
"""
