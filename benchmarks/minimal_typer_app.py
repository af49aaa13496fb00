"""The reference for start-up cost: a minimal one-command Typer app."""

import typer

app = typer.Typer()


@app.command()
def hello(name: str = "world") -> None:
    """Say hello."""
    typer.echo(f"hello {name}")


@app.callback()
def main() -> None:
    """A minimal Typer app."""


if __name__ == "__main__":
    app()
