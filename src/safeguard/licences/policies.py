"""Who may call each kind of licence route (the records they then see follow need-to-know)."""

from __future__ import annotations

from safeguard.accounts.roles import Role
from safeguard.site.policy import roles

WRITERS = roles(Role.PRACTITIONER, Role.SENIOR_PRACTITIONER, Role.MANAGER, name="licence-writers")
APPROVERS = roles(Role.SENIOR_PRACTITIONER, name="licence-approvers")
RECALLERS = roles(Role.SENIOR_PRACTITIONER, Role.MANAGER, name="licence-recallers")
