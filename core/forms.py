"""Form helpers every app's pages share."""


def form_errors_text(form) -> str:
    """A form's errors as one line for a flash message."""
    return "；".join(str(error) for errors in form.errors.values() for error in errors)
