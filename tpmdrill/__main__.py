from tpmdrill.cli import cli

cli(prog_name="tpmdrill")
