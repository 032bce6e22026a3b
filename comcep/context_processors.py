from comcep import navigation as nav_registry
from comcep import roles


def navigation_context(user) -> dict:
    user_roles = roles.roles_of(user)
    in_community = roles.is_community_member(user)
    return {
        "user_roles": user_roles,
        "in_community": in_community,
        "is_operator_manager": roles.Role.OPERATOR_MANAGER in user_roles,
        "is_platform_manager": roles.Role.PLATFORM_MANAGER in user_roles,
        "is_regional_staff": roles.Role.REGIONAL_STAFF in user_roles,
        "is_moderator": roles.Role.MODERATOR in user_roles,
        "community_links": nav_registry.links_for(user_roles, "community") if in_community else [],
        "manager_links": nav_registry.links_for(user_roles, "manager"),
    }


def navigation(request) -> dict:
    """What the navigation needs to know about the person: their roles and links."""
    return navigation_context(request.user)
