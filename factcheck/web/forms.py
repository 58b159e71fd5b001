"""WTForms forms (Flask-WTF adds CSRF to every one)."""
from __future__ import annotations

from decimal import Decimal

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (BooleanField, DateField, DecimalField, HiddenField, IntegerField, PasswordField,
                     SelectChoice, SelectField, StringField, SubmitField, TextAreaField)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, Regexp

ROLE_CHOICES = [SelectChoice("checker", "Checker"), SelectChoice("editor", "Editor"), SelectChoice("admin", "Admin")]


class LoginForm(FlaskForm):
    username = StringField("Username", validators=[DataRequired(), Length(max=64)],
                           render_kw={"autocomplete": "username", "autofocus": True})
    password = PasswordField("Password", validators=[DataRequired(), Length(max=1024)],
                             render_kw={"autocomplete": "current-password"})
    submit = SubmitField("Sign in")


class PasteForm(FlaskForm):
    title = StringField("Headline", validators=[Optional(), Length(max=500)],
                        description="Leave empty to detect it from the pasted text.")
    url = StringField("Article URL", validators=[Optional(), Length(max=2048)],
                      render_kw={"inputmode": "url", "placeholder": "https://"})
    byline = StringField("Byline", validators=[Optional(), Length(max=500)])
    published_on = DateField("Publication date", validators=[Optional()])
    body = TextAreaField("Article text", validators=[DataRequired(message="Paste the article text.")],
                         render_kw={"rows": 14},
                         description="Paste the whole page text: headline, byline, body and sources list are "
                                     "detected, and publisher boilerplate is set aside. You review it next.")
    plain = BooleanField("Treat everything as body text (no structure detection)")
    submit = SubmitField("Detect structure")


class UploadForm(FlaskForm):
    file = FileField("Article file", validators=[FileRequired(message="Choose a file to upload.")],
                     description="Plain text (.txt), Markdown (.md), web page (.html) or Word (.docx).",
                     render_kw={"accept": ".txt,.md,.markdown,.html,.htm,.docx"})
    plain = BooleanField("Treat everything as body text (no structure detection)")
    submit = SubmitField("Upload and detect structure")


class ReviewForm(FlaskForm):
    title = StringField("Headline", validators=[DataRequired(message="Give the article a title."), Length(max=500)])
    url = StringField("Article URL", validators=[Optional(), Length(max=2048)])
    byline = StringField("Byline", validators=[Optional(), Length(max=500)],
                         description="The names only; “By” and “Edited by:” are left off.")
    outlet = StringField("Outlet", validators=[Optional(), Length(max=200)],
                         description="Who published it. Claims are attributed to it unless a checker names who "
                                     "made them.")
    published_on = DateField("Publication date", validators=[Optional()])
    body = TextAreaField("Body", validators=[DataRequired(message="The article has no body text.")],
                         render_kw={"rows": 16},
                         description="Paragraphs are separated by a blank line. Every sentence here is scored.")
    sources = TextAreaField("Cited sources (one per line)", validators=[Optional()], render_kw={"rows": 5},
                            description="Each line becomes a source waiting for a checker to attach its link.")
    language = StringField("Language", validators=[Optional(), Regexp(r"^[A-Za-z]{2,3}$", message=(
        "Give a two-letter language code such as en, ru, es, fr, de, pt or ar."))],
                           description="Detected from the body. Sentences are split with this language's rules; "
                                       "scores come from an English model.")
    boilerplate = TextAreaField("Set aside as page furniture (one per line)", validators=[Optional()],
                                render_kw={"rows": 3},
                                description="Never scored. Move a line into the body if it belongs there.")
    submit = SubmitField("Create article and extract claims")


class LanguageForm(FlaskForm):
    language = StringField("Language", validators=[DataRequired(message="Give a language code."), Regexp(
        r"^[A-Za-z]{2,3}$", message="Give a two-letter language code such as en, ru, es, fr, de, pt or ar.")])
    submit = SubmitField("Correct the language")


class VersionedForm(FlaskForm):
    version = HiddenField(validators=[InputRequired()])


class StatusForm(VersionedForm):
    to = HiddenField(validators=[InputRequired()])
    reason = StringField("Reason", validators=[Optional(), Length(max=1000)])
    confirm_unarchived = BooleanField("Go on without the archived copy")
    submit = SubmitField("Apply")


class WordingForm(VersionedForm):
    text = TextAreaField("Claim wording", validators=[DataRequired(), Length(max=5000)], render_kw={"rows": 3})
    submit = SubmitField("Save wording")


class SplitForm(VersionedForm):
    second_part = StringField("The second claim starts with", validators=[DataRequired(), Length(max=5000)],
                              description="Type the first words of the second part exactly as they appear.")
    submit = SubmitField("Split claim")


class MergeForm(VersionedForm):
    other_id = HiddenField(validators=[InputRequired()])
    other_version = HiddenField(validators=[InputRequired()])
    submit = SubmitField("Merge with the next sentence")


class UserCreateForm(FlaskForm):
    username = StringField("Username", validators=[DataRequired(), Length(min=2, max=64)])
    display_name = StringField("Full name", validators=[Optional(), Length(max=120)])
    role = SelectField("Role", choices=ROLE_CHOICES, default="checker")
    password = PasswordField("Password", validators=[Optional(), Length(min=10, max=1024)],
                             description="Leave empty to generate one; it is shown once.",
                             render_kw={"autocomplete": "new-password"})
    submit = SubmitField("Create user")


class UserRoleForm(FlaskForm):
    role = SelectField("Role", choices=ROLE_CHOICES)
    submit = SubmitField("Change role")


class UserActiveForm(FlaskForm):
    active = HiddenField(validators=[InputRequired()])
    submit = SubmitField("Apply")


class SettingsForm(FlaskForm):
    threshold = DecimalField("Check-worthiness threshold", places=2,
                             validators=[InputRequired(), NumberRange(min=Decimal("0.01"), max=Decimal("0.99"))],
                             description="Sentences scoring at or above this become claims in new articles.")
    min_sources = IntegerField("Sources needed before submitting", validators=[InputRequired(),
                                                                               NumberRange(min=0, max=20)])
    four_eyes = BooleanField("Four-eyes rule: whoever proposed a verdict cannot publish it")
    require_archived = BooleanField("Require at least one archived source before submitting or publishing")
    org_name = StringField("Organisation name", validators=[DataRequired(), Length(max=200)],
                           description="The author of your ClaimReview markup.")
    org_url = StringField("Organisation URL", validators=[DataRequired(), Length(max=2048)])
    review_url = StringField("Public URL of a fact-check", validators=[DataRequired(), Length(max=2048)],
                             description="Where readers find a published check; {claim_id} becomes the claim's "
                                         "number.")
    time_zone = SelectField("Newsroom time zone", validate_choice=False, validators=[Optional()],
                            description="Every time on every page, report and export is shown in this zone, and a "
                                        "due date means the end of that day here.")
    digest_hour = IntegerField("Daily digest hour", validators=[Optional(), NumberRange(min=0, max=23)],
                               description="The hour (0–23, in the newsroom time zone) daily digests of "
                                           "notifications go out. Empty: FACTCHECK_DIGEST_HOUR's (8 unless set).")
    retention_days = IntegerField("Keep readers' email addresses for (days)",
                                  validators=[Optional(), NumberRange(min=1, max=3650)],
                                  description="An address left with a public request is erased this many days "
                                              "after the request (the request itself is kept).")
    submit = SubmitField("Save settings")


class PageForm(FlaskForm):
    """Query-string pagination, without CSRF (GET)."""

    class Meta:
        csrf = False

    page = IntegerField(default=1, validators=[Optional(), NumberRange(min=1)])


STANCE_CHOICES = [SelectChoice("", "—"), SelectChoice("supports", "Supports"), SelectChoice("refutes", "Refutes"),
                  SelectChoice("context", "Context")]


class AssignForm(VersionedForm):
    assignee = SelectField("Checker", choices=[], validate_choice=False)
    due = DateField("Due date", validators=[Optional()])
    submit = SubmitField("Assign")


class DueForm(VersionedForm):
    due = DateField("Due date", validators=[Optional()], description="Leave empty to clear.")
    submit = SubmitField("Set due date")


class SourceForm(FlaskForm):
    version = HiddenField()
    url = StringField("URL", validators=[DataRequired(message="Give the source's web address."), Length(max=2048)],
                      render_kw={"inputmode": "url", "placeholder": "https://"})
    title = StringField("Title", validators=[Optional(), Length(max=1000)])
    stance = SelectField("Stance", choices=STANCE_CHOICES, default="", validate_choice=False)
    note = TextAreaField("Note", validators=[Optional(), Length(max=10_000)], render_kw={"rows": 2})
    submit = SubmitField("Add source")


CLAIMANT_KINDS = [SelectChoice("person", "A person"), SelectChoice("organization", "An organisation")]


class VerdictForm(VersionedForm):
    # Starts on "Choose a rating": a verdict is never "True" because nobody changed the first option.
    rating = SelectField("Rating", choices=[], validate_choice=False,
                         validators=[DataRequired(message="Choose a rating from the newsroom's scale.")])
    rationale = TextAreaField("Rationale", validators=[DataRequired(message="Explain the verdict.")],
                              render_kw={"rows": 4})
    claim_reviewed = TextAreaField("The claim as checked", validators=[Optional(), Length(max=5000)],
                                   render_kw={"rows": 2},
                                   description="Restate the claim precisely; it becomes ClaimReview's claimReviewed.")
    claimant = StringField("Who made the claim", validators=[Optional(), Length(max=300)],
                           description="The speaker or organisation the article attributes it to. Leave empty "
                                       "for the outlet that published the article.")
    claimant_kind = SelectField("Made by", choices=CLAIMANT_KINDS, default="person")
    submit = SubmitField("Save verdict")


class CommentForm(FlaskForm):
    body = TextAreaField("Comment", validators=[DataRequired(message="The comment is empty."), Length(max=20_000)],
                         render_kw={"rows": 3}, description="Markdown: **bold**, _italic_, [link](https://…).")
    submit = SubmitField("Add comment")


class TokenForm(FlaskForm):
    user = SelectField("For user", choices=[], validate_choice=False)
    name = StringField("What it is for", validators=[Optional(), Length(max=120)],
                       description="e.g. 'CMS import' — helps you decide later whether to revoke it.")
    submit = SubmitField("Create token")


class ImportUrlForm(FlaskForm):
    address = StringField("Article address", validators=[DataRequired(message="Give the article's web address."),
                                                         Length(max=2048)],
                          render_kw={"inputmode": "url", "placeholder": "https://"},
                          description="Fetched through the desk's safe fetcher; you review the text next.")
    submit = SubmitField("Fetch and detect structure")
