from ecosystem.cli.main import cli

cli(prog_name="ecosystem")
