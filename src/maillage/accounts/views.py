"""Pages of accounts: sign up, confirm, my account, export, delete, password reset."""

from __future__ import annotations

import json
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth import get_user_model, login, logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.encoding import force_str
from django.utils.http import url_has_allowed_host_and_scheme, urlsafe_base64_decode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from maillage.core import ratelimit

from . import services
from .forms import DeleteAccountForm, LoginForm, ProfileForm, QueuedPasswordResetForm, SignUpForm

SIGNUPS_PER_HOUR_PER_IP = 10
RESET_REQUESTS_PER_HOUR = 5


def _user_from_uid(uidb64: str):
    try:
        return get_user_model().objects.get(pk=force_str(urlsafe_base64_decode(uidb64)))
    except (TypeError, ValueError, OverflowError, get_user_model().DoesNotExist):
        return None


def safe_next(request) -> str:
    """Where to go back after logging in or signing up (``next``), if it is this
    site's own page; "" otherwise (an open redirect is a phishing tool)."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return ""


def _with_next(url: str, target: str) -> str:
    return f"{url}?{urlencode({'next': target})}" if target else url


def signup(request):
    target = safe_next(request)
    if request.user.is_authenticated:
        return redirect(target or "accounts:account")
    form = SignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        ip = ratelimit.client_address(request)
        if not ratelimit.hit("signup", [ip], limit=SIGNUPS_PER_HOUR_PER_IP):
            form.add_error(
                None, _("Trop d'inscriptions depuis cette connexion. Réessayez dans une heure.")
            )
        else:
            try:
                services.sign_up(
                    email=form.cleaned_data["email"],
                    password=form.cleaned_data["password1"],
                    display_name=form.cleaned_data["display_name"],
                    next_path=target,
                )
            except services.AccountError as error:
                form.add_error("email", str(error))
            else:
                return redirect(_with_next(reverse("accounts:signup_done"), target))
    return render(
        request,
        "accounts/signup.html",
        {"form": form, "next": target, "waits": services.what_waits(target)},
    )


def signup_done(request):
    target = safe_next(request)
    return render(
        request,
        "accounts/signup_done.html",
        {"next": target, "waits": services.what_waits(target)},
    )


def confirm_email(request, uidb64, token):
    user = _user_from_uid(uidb64)
    valid = user is not None and services.email_confirmation_token.check_token(user, token)
    target = safe_next(request)
    if request.method == "POST" and valid and services.confirm_email(user, token):
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, _("Votre adresse est confirmée : bienvenue !"))
        return redirect(target or "accounts:account")
    return render(
        request,
        "accounts/confirm_email.html",
        {"valid": valid, "account": user if valid else None, "next": target},
        status=200 if valid else 400,
    )


@login_required
def account(request):
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        services.update_profile(request.user, display_name=form.cleaned_data["display_name"])
        messages.success(request, _("Enregistré."))
        return redirect("accounts:account")
    context = {
        "profile_form": form,
        "hosted_places": request.user.hosted_places.order_by("name"),
    }
    for provider in services._hooks("MAILLAGE_ACCOUNT_CONTEXT_PROVIDERS"):
        context.update(provider(request.user))
    return render(request, "accounts/account.html", context)


@login_required
@require_GET
def export(request):
    data = services.export_personal_data(request.user)
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=2, default=str),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = 'attachment; filename="maillage-mes-donnees.json"'
    return response


@login_required
def delete(request):
    form = DeleteAccountForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        user = request.user
        logout(request)
        services.delete_account(user)
        messages.success(request, _("Votre compte est supprimé. Merci d'être passé par ici."))
        return redirect("web:home")
    return render(request, "accounts/delete.html", {"form": form})


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["waits"] = services.what_waits(context.get(self.redirect_field_name, ""))
        return context


class PasswordResetView(auth_views.PasswordResetView):
    template_name = "accounts/password_reset_form.html"
    form_class = QueuedPasswordResetForm
    email_template_name = "accounts/emails/password_reset_body.txt"
    subject_template_name = "accounts/emails/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")

    def form_valid(self, form):
        keys = [ratelimit.client_address(self.request), form.cleaned_data["email"]]
        if not ratelimit.hit("password-reset", keys, limit=RESET_REQUESTS_PER_HOUR):
            # Say the same thing as when it works: no hint whether the account exists.
            return redirect(self.success_url)
        return super().form_valid(form)


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change_form.html"
    success_url = reverse_lazy("accounts:password_change_done")
