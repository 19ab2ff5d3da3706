"""Who may do what, on one page.

Each name is one permission: the roles that hold it. A role held at an area reaches that area and
everything below it (``cordon/accounts/scope.py``), so ``require_role(actor, area, *PASS_APPLICANTS)``
reads "a village clerk or head of this village or above". Services check these; pages and menus read
the same names, so what a page offers and what the service allows cannot drift apart.
"""

from cordon.accounts.models import Role

# --- Accounts and the command centre ---
# Who manages accounts and roles, and reads the audit trail.
ACCOUNT_MANAGERS = (Role.COMMANDER,)
# The command centre: reads the forces' contribution record and writes commendations.
COMMAND = (Role.COMMANDER, Role.COMMAND_STAFF)
# Who reads the command centre's dashboard and daily report (the menu; each page checks its own rule).
COMMAND_READERS = (Role.COMMANDER, Role.COMMAND_STAFF, Role.HEALTH_WORKER, Role.VIEWER)
# Who reads the dashboard: the command centre, the health workers and the read-only viewers above.
DASHBOARD_READERS = (Role.COMMANDER, Role.COMMAND_STAFF, Role.HEALTH_WORKER, Role.VIEWER)
# Who sends the daily report upward (and corrects it with a new version).
REPORT_SENDERS = (Role.COMMANDER, Role.COMMAND_STAFF)
# Who reads daily reports: the senders, the viewers above, a village's head, the health workers.
REPORT_READERS = (*REPORT_SENDERS, Role.VIEWER, Role.VILLAGE_HEAD, Role.HEALTH_WORKER)
# Who sets when the areas below must have sent their report (the command centre above a town).
REPORT_DEADLINE_SETTERS = REPORT_SENDERS
# Who hands a person to another town, and who takes one in (A9).
HANDOVER_SENDERS = (
    Role.COMMANDER,
    Role.COMMAND_STAFF,
    Role.HEALTH_WORKER,
    Role.VILLAGE_HEAD,
    Role.VILLAGE_CLERK,
)
HANDOVER_RECEIVERS = HANDOVER_SENDERS
# Who sets how long the town keeps closed records (retention).
RETENTION_SETTERS = (Role.COMMANDER,)
# Who sets up this server's parent and child servers (federation) and imports their package files.
SERVER_LINKERS = (Role.COMMANDER,)

# --- The people registry ---
# Who registers and edits people: the village's clerks and head, the command centre, the health centre.
PEOPLE_REGISTRARS = (
    Role.VILLAGE_CLERK,
    Role.VILLAGE_HEAD,
    Role.COMMANDER,
    Role.COMMAND_STAFF,
    Role.HEALTH_WORKER,
)
# Who sees whole document numbers and phones on a person's page (everyone else sees them masked).
PERSON_DATA_READERS = PEOPLE_REGISTRARS
# Who may export unmasked ledgers, with a reason.
LEDGER_FULL_EXPORTERS = (Role.COMMANDER, Role.HEALTH_WORKER)
# Who merges duplicate records and reclassifies arrivals by hand.
PEOPLE_SUPERVISORS = (Role.VILLAGE_HEAD, Role.COMMANDER, Role.COMMAND_STAFF, Role.HEALTH_WORKER)

# --- Medical observation ---
# Who picks the protocol edition a town follows and overrides its values.
PROTOCOL_OWNERS = (Role.COMMANDER,)
# Who records checks, opens periods by hand, completes them and closes alerts: the village's clerks
# and head, the command centre and the health centre.
OBSERVERS = (Role.VILLAGE_CLERK, Role.VILLAGE_HEAD, Role.COMMANDER, Role.COMMAND_STAFF, Role.HEALTH_WORKER)
# Who changes a period's course: extends, shortens, transfers, closes early, re-plans.
OBSERVATION_MANAGERS = (Role.VILLAGE_HEAD, Role.COMMANDER, Role.COMMAND_STAFF, Role.HEALTH_WORKER)
# Who takes medical decisions: a suspected case, waiving a missing test.
CLINICIANS = (Role.HEALTH_WORKER, Role.COMMANDER, Role.COMMAND_STAFF)

# --- Cases, contacts and quarantine (clinical records) ---
# Who registers and reads cases, traces contacts and places people in quarantine.
CASE_WORKERS = (Role.HEALTH_WORKER, Role.COMMANDER, Role.COMMAND_STAFF)

# --- Checkpoints, the gate and sealed areas ---
# Who sets up checkpoints.
CHECKPOINT_MANAGERS = (Role.COMMANDER, Role.COMMAND_STAFF)
# Who keeps a checkpoint's duty roster.
ROSTER_KEEPERS = (Role.COMMANDER, Role.COMMAND_STAFF, Role.VILLAGE_HEAD)
# Who logs passages and checks people and passes at a gate.
GUARDS = (Role.CHECKPOINT_GUARD, Role.VILLAGE_CLERK, Role.VILLAGE_HEAD, Role.COMMANDER, Role.COMMAND_STAFF)
# Who reads passage lists and counts besides those who log them: the town's health workers and viewers.
CHECKPOINT_READERS = (Role.HEALTH_WORKER, Role.VIEWER)
# Who seals an area and lifts the seal.
SEALERS = (Role.COMMANDER,)
# Who applies for an exit pass for a villager.
PASS_APPLICANTS = (Role.VILLAGE_CLERK, Role.VILLAGE_HEAD)
# Who takes a pass's first decision (the village), and its second (the town).
PASS_VILLAGE_DECIDERS = (Role.VILLAGE_HEAD,)
PASS_TOWN_DECIDERS = (Role.COMMANDER,)
# Who records supplies delivered to a sealed area's gate and keeps its purchase rotation.
SUPPLY_KEEPERS = (Role.VILLAGE_CLERK, Role.VILLAGE_HEAD, Role.COMMANDER, Role.COMMAND_STAFF)

# --- Enterprises reopening ---
# Who registers enterprises and files their applications to reopen.
ENTERPRISE_REGISTRARS = (Role.VILLAGE_CLERK, Role.VILLAGE_HEAD, Role.COMMANDER, Role.COMMAND_STAFF)
# Who decides an application.
ENTERPRISE_DECIDERS = (Role.COMMANDER, Role.COMMAND_STAFF)
# Who may read an enterprise contact's whole phone number: those who call them.
ENTERPRISE_PHONE_READERS = (
    Role.COMMANDER,
    Role.COMMAND_STAFF,
    Role.VILLAGE_HEAD,
    Role.VILLAGE_CLERK,
    Role.FIELD_TEAM,
    Role.HEALTH_WORKER,
)
# Who inspects an enterprise and records findings.
INSPECTORS = (Role.COMMANDER, Role.COMMAND_STAFF, Role.FIELD_TEAM, Role.HEALTH_WORKER)

# --- Forces and field operations ---
# Who registers personnel and teams (in the areas their role reaches: a village's head and clerk, their
# village; the command centre, the town), and sees their whole phone numbers (to call them out).
FORCES_MANAGERS = (Role.COMMANDER, Role.COMMAND_STAFF, Role.VILLAGE_HEAD, Role.VILLAGE_CLERK)
# Who plans disinfection tasks, and who orders "every home of this case and its contacts".
DISINFECTION_PLANNERS = (Role.COMMANDER, Role.COMMAND_STAFF, Role.HEALTH_WORKER, Role.VILLAGE_HEAD)
DISINFECTION_FROM_CASE = (Role.HEALTH_WORKER, Role.COMMANDER)
# Who records a disinfection round done.
DISINFECTION_RECORDERS = (*DISINFECTION_PLANNERS, Role.FIELD_TEAM, Role.VILLAGE_CLERK)
# Who reads counselling records (every read logged), and who writes them.
COUNSELLING_READERS = (Role.COUNSELLOR, Role.COMMANDER)
COUNSELLORS = (Role.COUNSELLOR,)
# Who publishes notices and rebuts rumours; who drafts notices and reports rumours.
NOTICE_PUBLISHERS = (Role.COMMANDER, Role.COMMAND_STAFF)
NOTICE_DRAFTERS = (*NOTICE_PUBLISHERS, Role.VILLAGE_HEAD, Role.VILLAGE_CLERK)
RUMOUR_REPORTERS = NOTICE_DRAFTERS

# --- Notifications, follow-up, lab results, status colours ---
# Who sets the deployment's notification switches, quiet hours and WeCom groups, and reads the outbox.
NOTIFICATION_SETTERS = (Role.COMMANDER, Role.COMMAND_STAFF)
OUTBOX_READERS = NOTIFICATION_SETTERS
# Who is told of a fever or positive-test alert and holds its task: the health worker, the village clerk.
ALERT_RESPONDERS = (Role.HEALTH_WORKER, Role.VILLAGE_CLERK)
# Who gives an observation period to a team member, and who can be given one.
FOLLOW_UP_ASSIGNERS = (Role.VILLAGE_HEAD, Role.COMMANDER, Role.COMMAND_STAFF, Role.HEALTH_WORKER)
FOLLOW_UP_WORKERS = (Role.VILLAGE_CLERK, Role.FIELD_TEAM, Role.HEALTH_WORKER)
# Who imports a lab's result list.
LAB_RESULT_IMPORTERS = (Role.HEALTH_WORKER, Role.COMMANDER, Role.COMMAND_STAFF)
# Who edits a town's status-colour rules.
COLOUR_RULE_EDITORS = (Role.COMMANDER,)

# --- The teams' stock (A10) ---
# Who sets up stores and records stock received into and issued out of them (in the areas they reach).
STOCK_KEEPERS = (Role.COMMANDER, Role.COMMAND_STAFF, Role.VILLAGE_HEAD, Role.VILLAGE_CLERK)
# Who records stock used up: the keepers, and the teams, guards and health workers who use it.
STOCK_USERS = (*STOCK_KEEPERS, Role.FIELD_TEAM, Role.CHECKPOINT_GUARD, Role.HEALTH_WORKER)
# Who edits the town's items: their names, units and warning levels.
STOCK_ITEM_EDITORS = (Role.COMMANDER, Role.COMMAND_STAFF)
