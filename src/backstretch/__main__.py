from backstretch.cli.main import run

run()
