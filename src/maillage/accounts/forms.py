"""Forms of accounts. They validate and re-show what was typed; services write."""

from __future__ import annotations

from urllib.parse import urlsplit

from django import forms
from django.contrib.auth import authenticate, password_validation
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from maillage.core import mail, ratelimit

from .models import User
from .services import normalise_email

# Log-in attempts allowed per hour (a success gives its attempt back):
# - for one account from one client address: a guesser at one address locks
#   that account for that address only, never for its owner elsewhere;
# - from one client address, all accounts together (higher: a France Services
#   room shares one address).
LOGIN_ATTEMPTS_PER_ACCOUNT_AND_ADDRESS = 10
LOGIN_ATTEMPTS_PER_ADDRESS = 50


def username_for_login(login: str) -> str:
    """The username to authenticate: ``login`` is a username or an e-mail address."""
    login = login.strip()
    if "@" in login and not User.objects.filter(username=login).exists():
        user = User.objects.filter(email__iexact=login).only("username").first()
        if user:
            return user.username
    return login


class LoginForm(AuthenticationForm):
    """Log in with a username or an e-mail address."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _(
            "Identifiant, adresse e-mail ou mot de passe incorrect. Attention aux majuscules."
        ),
        "unconfirmed": _(
            "Votre adresse e-mail n'est pas encore confirmée : suivez le lien que nous vous "
            "avons envoyé à l'inscription."
        ),
        "too_many": _(
            "Trop d'essais. Réessayez dans une heure, ou choisissez un nouveau mot de passe."
        ),
    }

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        self.fields["username"].label = _("Identifiant ou adresse e-mail")
        self.fields["username"].max_length = 254
        self.fields["username"].widget.attrs["maxlength"] = 254
        self.fields["username"].widget.attrs["autocomplete"] = "username"

    def _rate_keys(self, username: str) -> tuple[str, str]:
        """(account at this address, this address): a username and its account's
        e-mail address are one account; an unknown name counts as itself."""
        address = ratelimit.client_address(self.request) if self.request else ""
        pk = User.objects.filter(username=username).values_list("pk", flat=True).first()
        account = f"account:{pk}" if pk else f"name:{username.lower()}"
        return f"{account}|address:{address}", f"address:{address}"

    def clean(self):
        login = (self.cleaned_data.get("username") or "").strip()
        password = self.cleaned_data.get("password")
        if not (login and password):
            return self.cleaned_data
        username = username_for_login(login)
        pair, address = self._rate_keys(username)
        # Counted before the password is checked, in one locked step: N
        # simultaneous guesses get exactly the limit checked.
        if not ratelimit.take(
            "login",
            {pair: LOGIN_ATTEMPTS_PER_ACCOUNT_AND_ADDRESS, address: LOGIN_ATTEMPTS_PER_ADDRESS},
        ):
            raise ValidationError(self.error_messages["too_many"], code="too_many")
        self.user_cache = authenticate(self.request, username=username, password=password)
        if self.user_cache is None:
            user = User.objects.filter(username=username).first()
            if user and user.awaits_email_confirmation and user.check_password(password):
                raise ValidationError(self.error_messages["unconfirmed"], code="unconfirmed")
            raise self.get_invalid_login_error()
        ratelimit.forget("login", [pair])  # the owner's success wipes the guesses
        ratelimit.refund("login", [address])
        self.confirm_login_allowed(self.user_cache)
        return self.cleaned_data


class SignUpForm(forms.Form):
    display_name = forms.CharField(
        label=_("Votre nom ou pseudonyme"),
        help_text=_("Affiché quand vous animez un lieu ou proposez une correction."),
        max_length=150,
    )
    email = forms.EmailField(label=_("Adresse e-mail"))
    password1 = forms.CharField(
        label=_("Mot de passe"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html(),
    )
    password2 = forms.CharField(
        label=_("Le même mot de passe, encore une fois"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean_email(self):
        email = normalise_email(self.cleaned_data["email"])
        if User.objects.filter(email__iexact=email).exists():
            raise ValidationError(
                _("Un compte existe déjà avec cette adresse e-mail. Mot de passe oublié ?"),
                code="taken",
            )
        return email

    def clean(self):
        cleaned = super().clean()
        first, second = cleaned.get("password1"), cleaned.get("password2")
        if first and second and first != second:
            self.add_error("password2", _("Les deux mots de passe sont différents."))
        elif first:
            candidate = User(
                email=cleaned.get("email", ""), display_name=cleaned.get("display_name", "")
            )
            try:
                password_validation.validate_password(first, candidate)
            except ValidationError as error:
                self.add_error("password1", error)
        return cleaned


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["display_name"]
        labels = {"display_name": _("Nom affiché")}


class DeleteAccountForm(forms.Form):
    password = forms.CharField(
        label=_("Votre mot de passe, pour confirmer"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise ValidationError(_("Ce n'est pas votre mot de passe."), code="wrong_password")
        return password


class QueuedPasswordResetForm(PasswordResetForm):
    """Django's reset form, its message queued like every other (links from MAILLAGE_SITE_URL)."""

    def send_mail(
        self,
        subject_template_name,
        email_template_name,
        context,
        from_email,
        to_email,
        html_email_template_name=None,
    ):
        site = urlsplit(mail.site_url())
        context = {**context, "protocol": site.scheme, "domain": site.netloc}
        mail.enqueue(to_email, email_template_name.removesuffix("_body.txt"), context)
