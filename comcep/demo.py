"""Demo accounts of every role. Idempotent: a second run changes nothing."""

from __future__ import annotations

from dataclasses import dataclass, field

from allauth.account.models import EmailAddress
from django.db import transaction

from comcep import roles, services
from comcep.models import Member, Operator, Region, RolloutPhase, Structure, User
from comcep.roles import Role

DEMO_PASSWORD = "comcep-demo-2026"
DEMO_DOMAIN = "demo.comcep.fr"
PILOT_REGION = "53"  # Bretagne
OPEN_REGIONS = ["52", "11"]  # Pays de la Loire, Île-de-France

# Distinctive enough that tests can look for them in any page.
MEMBER_PSEUDONYMS = [
    "Boussole Bleue", "Cap au Large", "Fil d'Ariane", "Grain de Sel", "Horizon Trente", "Jalon Vert",
    "Kairos Atlantique", "Lanterne Rouge", "Marée Haute", "Nord Ouest", "Orée du Bois",
    "Passerelle Douce", "Quai des Brumes", "Rose des Vents", "Sextant Marin", "Trajectoire Libre",
    "Univers Pro", "Vent Portant", "Wagon Bleu", "Zénith Clair",
]
FIRST_NAMES = ["Camille", "Dominique", "Claude", "Alix", "Sacha", "Morgane", "Yann", "Nadia",
               "Hugo", "Inès", "Jules", "Léa", "Malik", "Nina", "Olivier", "Pauline", "Quentin",
               "Rania", "Sophie", "Théo"]
LAST_NAMES = ["Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand",
              "Leroy", "Moreau", "Simon", "Laurent", "Lefebvre", "Michel", "Garcia", "David",
              "Bertrand", "Roux", "Vincent", "Fournier"]


@dataclass
class DemoAccounts:
    platform_manager: User
    operator_managers: dict[str, User]
    regional_staff: User
    moderator: User
    expert: User
    members: list[User] = field(default_factory=list)

    def rows(self) -> list[tuple[str, str]]:
        """(role, email) for the run command's welcome message."""
        rows = [("gestionnaire de la plateforme", self.platform_manager.email)]
        rows += [(f"responsable {slug}", user.email) for slug, user in self.operator_managers.items()]
        rows += [
            ("équipe Carif-Oref (Bretagne)", self.regional_staff.email),
            ("animateur·rice", self.moderator.email),
            ("expert·e", self.expert.email),
            (f"membres (×{len(self.members)})", f"{self.members[0].email} … {self.members[-1].email}"),
        ]
        return rows


def _account(email: str, first: str, last: str, **extra) -> User:
    user, created = User.objects.get_or_create(
        email=email, defaults={"first_name": first, "last_name": last, **extra}
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    EmailAddress.objects.update_or_create(
        user=user, email=email, defaults={"verified": True, "primary": True}
    )
    return user


def _grant(user: User, role: str, actor: User | None) -> None:
    if not roles.has_role(user, role):
        roles.grant_role(user, role, actor=actor, reason="données de démonstration")


def _member(user: User, pseudonym: str, operator: Operator, region: Region, actor: User) -> None:
    _grant(user, Role.MEMBER, actor)
    structure, _ = Structure.objects.get_or_create(
        operator=operator, region=region, name=f"{operator.name} — {region.name}"
    )
    member, _ = Member.objects.get_or_create(
        user=user, defaults={"operator": operator, "region": region, "structure": structure}
    )
    if not member.has_pseudonym:
        services.set_pseudonym(member, pseudonym)


@transaction.atomic
def seed_accounts() -> DemoAccounts:
    Region.objects.filter(code=PILOT_REGION).update(phase=RolloutPhase.PILOT)
    Region.objects.filter(code__in=OPEN_REGIONS).update(phase=RolloutPhase.OPEN)
    pilot = Region.objects.get(code=PILOT_REGION)
    operators = list(Operator.objects.filter(kind="national").order_by("name"))

    manager = _account(f"gestion@{DEMO_DOMAIN}", "Gaëlle", "Gestion", is_staff=True,
                       is_superuser=True)
    _grant(manager, Role.PLATFORM_MANAGER, None)
    operator_managers = {}
    for operator in operators:
        user = _account(f"responsable.{operator.slug}@{DEMO_DOMAIN}", "Responsable", operator.name)
        if not roles.has_role(user, Role.OPERATOR_MANAGER):
            roles.name_operator_manager(user, operator, actor=manager)
        operator_managers[operator.slug] = user

    staff = _account(f"carif-oref.bretagne@{DEMO_DOMAIN}", "Erwan", "Le Carif")
    if not roles.has_role(staff, Role.REGIONAL_STAFF):
        roles.name_regional_staff(staff, pilot, actor=manager)

    moderator = _account(f"animation@{DEMO_DOMAIN}", "Anne", "Animation")
    _member(moderator, "Phare du Forum", operators[0], pilot, manager)
    _grant(moderator, Role.MODERATOR, manager)

    expert = _account(f"expert@{DEMO_DOMAIN}", "Eric", "Expertise")
    _member(expert, "Docteur Parcours", operators[1], pilot, manager)
    _grant(expert, Role.EXPERT, manager)
    accounts = DemoAccounts(platform_manager=manager, operator_managers=operator_managers,
                            regional_staff=staff, moderator=moderator, expert=expert)

    regions = list(Region.objects.filter(code__in=[PILOT_REGION, *OPEN_REGIONS]))
    for index, pseudonym in enumerate(MEMBER_PSEUDONYMS):
        user = _account(
            f"membre{index + 1:02d}@{DEMO_DOMAIN}", FIRST_NAMES[index], LAST_NAMES[index]
        )
        _member(user, pseudonym, operators[index % len(operators)], regions[index % len(regions)],
                manager)
        accounts.members.append(user)
    return accounts
