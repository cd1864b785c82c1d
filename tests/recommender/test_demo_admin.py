"""A second `make demo` must not silently invalidate the demo admin's first password."""

import re

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def demo_instance(settings, tmp_path):
    settings.DEBUG = True
    settings.VAR_DIR = tmp_path


def printed_password(capsys) -> str:
    return re.search(r"password '([^']+)'", capsys.readouterr().out).group(1)


def test_a_second_run_prints_the_same_password_and_it_still_works(capsys):
    call_command("demo_admin")
    first = printed_password(capsys)

    call_command("demo_admin")
    second = printed_password(capsys)

    assert second == first
    assert authenticate(username="admin", password=first) is not None


def test_a_password_changed_by_the_user_is_left_alone(capsys, django_user_model):
    call_command("demo_admin")
    admin = django_user_model.objects.get(username="admin")
    admin.set_password("my own choice 42")
    admin.save()

    call_command("demo_admin")

    assert "password was changed" in capsys.readouterr().out
    assert authenticate(username="admin", password="my own choice 42") is not None


def test_reset_sets_a_new_password(capsys):
    call_command("demo_admin")
    first = printed_password(capsys)

    call_command("demo_admin", "--reset")
    new = printed_password(capsys)

    assert new != first
    assert authenticate(username="admin", password=new) is not None
