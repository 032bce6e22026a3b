"""factory_boy factories for the shared core. Apps add theirs beside their tests."""

import base64
import secrets

import factory
from allauth.account.models import EmailAddress
from allauth.mfa.utils import is_mfa_enabled

from comcep import roles, services
from comcep.models import Member, Operator, Region, Structure, User  # noqa: F401
from comcep.pseudonyms import reveals_identity
from enrolment.demo import ensure_totp

PASSWORD = "motdepasse-de-test-42"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"personne{n}@exemple.fr")
    first_name = factory.Faker("first_name", locale="fr_FR")
    last_name = factory.Faker("last_name", locale="fr_FR")

    @factory.post_generation
    def password(user, create, extracted, **kwargs):
        user.set_password(extracted or PASSWORD)
        if create:
            user.save(update_fields=["password"])
            EmailAddress.objects.get_or_create(
                user=user, email=user.email, defaults={"verified": True, "primary": True}
            )


def region(code: str = "53") -> Region:
    return Region.objects.get(code=code)


def operator(slug: str = "apec") -> Operator:
    return Operator.objects.get(slug=slug)


_pseudonym_counter = iter(range(1, 10**9))


def _fresh_pseudonym() -> str:
    # Words, not digits alone: digits fold together in the confusables skeleton.
    words = ["Alpha", "Bravo", "Castor", "Delta", "Écho", "Faucon", "Gamma", "Hermine"]
    n = next(_pseudonym_counter)
    return f"{words[n % len(words)]} {words[(n // 8) % len(words)]} {chr(65 + n % 26)}{n}"


def make_member(
    *,
    pseudonym: str | None = None,
    role: str = roles.Role.MEMBER,
    operator_slug: str = "apec",
    region_code: str = "53",
    **user_fields,
) -> User:
    """An admitted counsellor with a pseudonym (pass pseudonym="" for none yet)."""
    user = UserFactory(**user_fields)
    for _attempt in range(20):
        # A random name inside the chosen pseudonym ("Marc" in "Jean-Marc") would have it refused;
        # names the test chose are kept, and set_pseudonym then says what is wrong.
        if not pseudonym or {"first_name", "last_name"} <= user_fields.keys() or not reveals_identity(
                pseudonym, first_name=user.first_name, last_name=user.last_name, email=user.email):
            break
        other = UserFactory.build()
        user.first_name = user_fields.get("first_name", other.first_name)
        user.last_name = user_fields.get("last_name", other.last_name)
        user.save(update_fields=["first_name", "last_name"])
    roles.grant_role(user, roles.Role.MEMBER, actor=None)
    if role != roles.Role.MEMBER:
        roles.grant_role(user, role, actor=None)
    op, reg = operator(operator_slug), region(region_code)
    structure, _ = Structure.objects.get_or_create(operator=op, region=reg, name="Agence test")
    member = Member.objects.create(user=user, operator=op, region=reg, structure=structure)
    if pseudonym != "":
        services.set_pseudonym(member, pseudonym or _fresh_pseudonym())
    return user


def make_operator_manager(*, operator_slug: str = "apec", region_codes=(), **user_fields) -> User:
    user = UserFactory(**user_fields)
    regions = [region(code) for code in region_codes]
    roles.name_operator_manager(user, operator(operator_slug), actor=None, regions=regions)
    return user


def make_regional_staff(*, region_code: str = "53", **user_fields) -> User:
    user = UserFactory(**user_fields)
    roles.name_regional_staff(user, region(region_code), actor=None)
    return user


def make_platform_manager(**user_fields) -> User:
    user = UserFactory(is_staff=True, **user_fields)
    roles.grant_role(user, roles.Role.PLATFORM_MANAGER, actor=None)
    return user


def with_totp(user: User, secret: str | None = None) -> User:
    """Give ``user`` a TOTP authenticator (``secret``, base32, or a fresh one) and recovery codes,
    stored as allauth's activation stores them (enrolment.demo.ensure_totp)."""
    if not is_mfa_enabled(user):
        ensure_totp(user, secret or base64.b32encode(secrets.token_bytes(20)).decode())
    return user
