"""Who may call each kind of recall route (the records they then see follow need-to-know)."""

from __future__ import annotations

from safeguard.accounts.roles import Role
from safeguard.site.policy import roles

# Offender managers open cases, gather evidence, recommend and send; seniors and managers may
# do the same for a colleague's case.
WRITERS = roles(Role.PRACTITIONER, Role.SENIOR_PRACTITIONER, Role.MANAGER, name="recall-writers")
# The first countersignature (the decision): a senior practitioner.
COUNTERSIGNERS = roles(Role.SENIOR_PRACTITIONER, name="recall-countersigners")
# The second countersignature (assistant-chief-officer level) and the casework booking.
APPROVERS = roles(Role.MANAGER, name="recall-approvers")
# Returning a recommendation to its author: whoever is due to countersign it.
REVIEWERS = roles(Role.SENIOR_PRACTITIONER, Role.MANAGER, name="recall-reviewers")
