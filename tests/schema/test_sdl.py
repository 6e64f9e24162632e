"""schema.graphql is the schema the code builds, character for character."""

from schema.export import SDL_PATH, sdl


def test_schema_graphql_is_in_step_with_the_code() -> None:
    written = SDL_PATH.read_text(encoding="utf-8") if SDL_PATH.exists() else ""

    assert written == sdl(), (
        "schema.graphql is out of step with schema/; regenerate it with "
        "`.venv/bin/python -m schema.export` and commit the result"
    )


def test_the_contract_shapes_are_in_the_sdl() -> None:
    text = sdl()

    assert "enum Period {\n  H1\n  H3\n  H6\n  H12\n  H24\n  D3\n  D7\n  M1\n}" in text
    assert "logUsage(input: UsageInput!): LogUsageResult!" in text
    assert "costUsd: Decimal" in text
    assert "palace:" not in text.split("type Query {")[1].split("}")[0]
