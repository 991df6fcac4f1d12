"""Who is calling and what they may do: roles, passwords, sessions, tokens, the authentication middleware."""

from designer.security.principal import Principal
from designer.security.roles import (
    PERMISSIONS,
    ROLES,
    Permission,
    Role,
    permissions_of,
)

__all__ = ["PERMISSIONS", "ROLES", "Permission", "Principal", "Role", "permissions_of"]
