from comcep import navigation as nav_registry
from comcep import roles


def navigation(request) -> dict:
    """What the navigation needs to know about the person: the links their roles open."""
    user = request.user
    user_roles = roles.roles_of(user)
    in_community = roles.is_community_member(user)
    community_links = nav_registry.links_for(user_roles, "community") if in_community else []
    manager_links = nav_registry.links_for(user_roles, "manager")
    return {
        "in_community": in_community,
        "community_links": community_links,
        "manager_links": manager_links,
        # The navigation entry leading to this page, marked aria-current (tag nav_current).
        "nav_current": nav_registry.current_url(request.path, community_links + manager_links),
    }
