import pytest

from factcheck.errors import ValidationError
from factcheck.services import users


def test_create_with_generated_password_and_authenticate(session):
    user, password = users.create_user(session, username="nadia", role="editor")
    session.commit()
    assert len(password) >= 12 and password not in user.password_hash
    assert user.password_hash.startswith("$argon2id$")
    assert users.authenticate(session, username="nadia", password=password).id == user.id
    assert users.authenticate(session, username="NADIA", password=password).id == user.id


def test_wrong_password_unknown_user_and_deactivated_all_look_the_same(session, people):
    assert users.authenticate(session, username="eve", password="wrong password!") is None
    assert users.authenticate(session, username="nobody", password="correct horse battery") is None
    users.set_active(session, user=people["eve"], active=False, actor=people["ada"])
    session.commit()
    assert users.authenticate(session, username="eve", password="correct horse battery") is None


@pytest.mark.parametrize("name", ["", "a", "has space", "<script>", "x" * 65, "-dash-first"])
def test_bad_usernames_are_refused(session, name):
    with pytest.raises(ValidationError, match="username"):
        users.create_user(session, username=name)


def test_duplicate_username_is_refused_case_insensitively(session, people):
    with pytest.raises(ValidationError, match="taken"):
        users.create_user(session, username="EVE")


def test_short_password_and_unknown_role_are_refused(session):
    with pytest.raises(ValidationError, match="at least 10"):
        users.create_user(session, username="bob", password="short")
    with pytest.raises(ValidationError, match="Unknown role"):
        users.create_user(session, username="bob", role="overlord")


def test_admin_cannot_lock_themselves_out(session, people):
    with pytest.raises(ValidationError, match="own admin role"):
        users.set_role(session, user=people["ada"], role="editor", actor=people["ada"])
    with pytest.raises(ValidationError, match="own account"):
        users.set_active(session, user=people["ada"], active=False, actor=people["ada"])


def test_role_change(session, people):
    users.set_role(session, user=people["carl"], role="editor", actor=people["ada"])
    session.commit()
    assert users.get_user(session, user_id=people["carl"].id).role == "editor"


# ---------------------------------------------------------------------------------------------- issue 15


@pytest.mark.parametrize("password", ["password1234", "Qwertyuiop", "1234567890", "iloveyou!!!!", "factcheck2026",
                                      "aaaaaaaaaaaa", "abababababab", "short"])
def test_weak_and_common_passwords_are_refused(session, password):
    with pytest.raises(ValidationError) as err:
        users.create_user(session, username="nadia", password=password)
    assert "password" in err.value.fields


def test_a_password_built_on_the_username_is_refused(session):
    with pytest.raises(ValidationError, match="username"):
        users.create_user(session, username="nadia.k", password="nadia.k2026")


def test_a_long_uncommon_password_is_accepted(session):
    user, _ = users.create_user(session, username="nadia", password="ferry lights over harrow")
    assert user.id


def test_argon2_parameters_are_upgraded_at_sign_in(session, people):
    """A hash made with older (weaker) parameters is replaced by one with the current ones."""
    from argon2 import PasswordHasher

    old = PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1)
    eve = people["eve"]
    eve.password_hash = old.hash("correct horse battery")
    session.add(eve)
    session.commit()
    assert users.hasher().check_needs_rehash(eve.password_hash)
    assert users.authenticate(session, username="eve", password="correct horse battery").id == eve.id
    session.commit()
    assert not users.hasher().check_needs_rehash(eve.password_hash)
    assert eve.password_hash.startswith("$argon2id$") and "m=8192" not in eve.password_hash


def test_change_password_needs_the_current_one(session, people):
    from factcheck.services import passwords

    eve = people["eve"]
    with pytest.raises(ValidationError) as err:
        passwords.change_password(session, user=eve, current="not it", new="a brand new phrase")
    assert "current" in err.value.fields
    epoch = eve.session_epoch
    passwords.change_password(session, user=eve, current="correct horse battery", new="a brand new phrase")
    session.commit()
    assert eve.session_epoch == epoch + 1
    assert users.authenticate(session, username="eve", password="a brand new phrase").id == eve.id


def test_a_reset_link_works_once_and_expires(session, people):
    from datetime import timedelta

    from factcheck.services import passwords

    carl = people["carl"]
    raw, _ = passwords.issue_reset_link_token(session, user=carl)
    session.commit()
    assert raw not in (carl.reset_token_hash or "")  # only the digest is kept
    passwords.redeem_reset_link(session, raw=raw, password="a brand new phrase")
    session.commit()
    with pytest.raises(ValidationError, match="expired, was already used"):
        passwords.redeem_reset_link(session, raw=raw, password="another new phrase")
    first, _ = passwords.issue_reset_link_token(session, user=carl)
    second, _ = passwords.issue_reset_link_token(session, user=carl)
    session.commit()
    assert passwords.user_for_reset(session, raw=first) is None  # replaced by the newer link
    assert passwords.user_for_reset(session, raw=second).id == carl.id
    expired, _ = passwords.issue_reset_link_token(session, user=carl, ttl=timedelta(seconds=-1))
    session.commit()
    assert passwords.user_for_reset(session, raw=expired) is None


def test_tokens_expire_note_their_last_use_and_can_all_be_revoked(session, people):
    from datetime import timedelta

    from factcheck.models import utcnow
    from factcheck.services import tokens

    carl = people["carl"]
    short, raw_short = tokens.create_token(session, user=carl, expires_in_days=1)
    _, raw_long = tokens.create_token(session, user=carl)
    session.commit()
    assert tokens.authenticate(session, raw=raw_short).id == carl.id
    session.refresh(short)
    assert short.last_used_at is not None
    short.expires_at = utcnow() - timedelta(minutes=1)
    session.add(short)
    session.commit()
    assert tokens.authenticate(session, raw=raw_short) is None
    assert tokens.authenticate(session, raw=raw_long).id == carl.id
    assert tokens.revoke_all(session, user=carl) == 2
    session.commit()
    assert tokens.authenticate(session, raw=raw_long) is None
    with pytest.raises(ValidationError):
        tokens.create_token(session, user=carl, expires_in_days=0)
