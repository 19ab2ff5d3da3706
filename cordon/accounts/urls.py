from django.urls import path

from cordon.accounts import views, views_users

app_name = "accounts"

urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("me/", views.profile, name="profile"),
    path("me/password/", views.password_change, name="password_change"),
    path("me/tokens/", views.token_create, name="token_create"),
    path("me/tokens/<int:pk>/revoke/", views.token_revoke, name="token_revoke"),
    path("areas/", views.area_index, name="area_index"),
    path("areas/<str:code>/", views.area_detail, name="area_detail"),
    path("users/", views_users.user_list, name="user_list"),
    path("users/new/", views_users.user_create, name="user_create"),
    path("users/<int:pk>/", views_users.user_detail, name="user_detail"),
    path("users/<int:pk>/edit/", views_users.user_edit, name="user_edit"),
    path("users/<int:pk>/disable/", views_users.user_disable, name="user_disable"),
    path("users/<int:pk>/enable/", views_users.user_enable, name="user_enable"),
    path("users/<int:pk>/reset-password/", views_users.user_reset_password, name="user_reset_password"),
    path("users/<int:pk>/unlock/", views_users.user_unlock, name="user_unlock"),
    path("users/<int:pk>/roles/", views_users.role_add, name="role_add"),
    path("users/<int:pk>/roles/<int:role_pk>/remove/", views_users.role_remove, name="role_remove"),
]
