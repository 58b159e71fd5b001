"""Forms for one's own account and for the admin's account actions (Flask-WTF adds CSRF to each)."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import IntegerField, PasswordField, SubmitField
from wtforms.validators import DataRequired, EqualTo, Length, NumberRange, Optional

from factcheck.web.forms import TokenForm

NEW_HELP = "At least 10 characters. A few unrelated words make a long password that is easy to remember."


class PasswordChangeForm(FlaskForm):
    current = PasswordField("Current password", validators=[DataRequired(message="Type your current password."),
                                                            Length(max=1024)],
                            render_kw={"autocomplete": "current-password"})
    new = PasswordField("New password", validators=[DataRequired(message="Choose a new password."),
                                                    Length(max=1024)],
                        description=NEW_HELP, render_kw={"autocomplete": "new-password"})
    confirm = PasswordField("New password again", validators=[
        DataRequired(message="Type the new password again."),
        EqualTo("new", message="The two new passwords differ; type them again.")],
        render_kw={"autocomplete": "new-password"})
    submit = SubmitField("Change password")


class ResetPasswordForm(FlaskForm):
    password = PasswordField("New password", validators=[DataRequired(message="Choose a new password."),
                                                         Length(max=1024)],
                             description=NEW_HELP, render_kw={"autocomplete": "new-password"})
    confirm = PasswordField("New password again", validators=[
        DataRequired(message="Type the new password again."),
        EqualTo("password", message="The two passwords differ; type them again.")],
        render_kw={"autocomplete": "new-password"})
    submit = SubmitField("Set password")


class ConfirmForm(FlaskForm):
    """A button whose action the page has explained (sign out everywhere, revoke all, issue a reset link)."""
    submit = SubmitField("Confirm")


class TokenCreateForm(TokenForm):
    expires_in_days = IntegerField("Expires after (days)", validators=[Optional(), NumberRange(min=1, max=3650)],
                                   description="Leave empty for a token that does not expire.")
