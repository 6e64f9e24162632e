from api.cli import app

app(prog_name="palace-usage")
