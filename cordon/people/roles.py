"""Who does what with people's records: one small module at the bottom of the app, so the services, the
importer and the identity rule (people.identity) read the same tuples without importing each other."""

from cordon.accounts.models import Role

# Who registers and edits people: the village's clerks and head, the command centre, the health centre.
REGISTRARS = (Role.VILLAGE_CLERK, Role.VILLAGE_HEAD, Role.COMMANDER, Role.COMMAND_STAFF, Role.HEALTH_WORKER)
# Who sees whole document numbers and phones on a person's page (everyone else sees them masked).
FULL_DATA_ROLES = REGISTRARS
# Who may export unmasked ledgers, with a reason.
FULL_EXPORT_ROLES = (Role.COMMANDER, Role.HEALTH_WORKER)
# Who merges duplicate records and reclassifies arrivals by hand.
SUPERVISORS = (Role.VILLAGE_HEAD, Role.COMMANDER, Role.COMMAND_STAFF, Role.HEALTH_WORKER)
