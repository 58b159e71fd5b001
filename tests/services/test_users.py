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
