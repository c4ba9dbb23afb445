"""The one exception that reaches the user: the input or the command is unusable (exit 2)."""


class InputError(Exception):
    """A Chinese sentence saying why the file or the command cannot be used."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message
