"""Personnel, teams, assignments and the contribution record."""

from django.urls import path

from cordon.forces import views, views_contribution, views_teams

app_name = "forces"

urlpatterns = [
    path("", views.index, name="index"),
    path("personnel/new/", views.personnel_new, name="personnel_new"),
    path("personnel/<int:pk>/", views.personnel_detail, name="personnel"),
    path("personnel/<int:pk>/assign/", views.personnel_assign, name="personnel_assign"),
    path("teams/", views_teams.team_list, name="teams"),
    path("teams/new/", views_teams.team_new, name="team_new"),
    path("teams/<int:pk>/", views_teams.team_detail, name="team"),
    path("teams/<int:pk>/members/", views_teams.member_add, name="member_add"),
    path("teams/<int:pk>/active/", views_teams.team_active, name="team_active"),
    path("teams/<int:pk>/assign/", views_teams.team_assign, name="team_assign"),
    path("members/<int:pk>/remove/", views_teams.member_remove, name="member_remove"),
    path("members/<int:pk>/leader/", views_teams.team_leader, name="team_leader"),
    path("assignments/<int:pk>/cancel/", views_teams.assignment_cancel, name="assignment_cancel"),
    path("contribution/", views_contribution.ranking, name="contribution"),
    path("contribution/<int:pk>/", views_contribution.person, name="contribution_person"),
    path("contribution/<int:pk>/commend/", views_contribution.commend, name="commend"),
]
