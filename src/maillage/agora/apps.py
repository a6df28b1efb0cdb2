from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AgoraConfig(AppConfig):
    name = "maillage.agora"
    verbose_name = _("Agora citoyenne")
