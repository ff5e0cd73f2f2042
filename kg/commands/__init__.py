"""The `kg` command's families and the options they share; kg/cli.py puts them on one group."""
