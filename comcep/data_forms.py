from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from comcep import roles

KEEP, ERASE = "keep", "erase"


class CloseAccountForm(forms.Form):
    """Closing an account is final: the member chooses what becomes of their posts and proves,
    with their password, that it is them at the keyboard."""

    posts = forms.ChoiceField(
        label=_("Vos messages dans le forum"), widget=forms.RadioSelect, initial=KEEP,
        choices=[
            (KEEP, _("Les laisser en ligne, signés « ancien·ne membre » au lieu de votre "
                     "pseudonyme : les discussions restent lisibles.")),
            (ERASE, _("Les effacer : un sujet où vous étiez seul·e disparaît ; ailleurs, chaque "
                      "message laisse la mention « Message effacé par son auteur·rice. » pour que "
                      "les réponses des autres restent lisibles."))],
    )
    password = forms.CharField(
        label=_("Votre mot de passe, pour confirmer"), strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    confirm = forms.BooleanField(
        label=_("Je comprends que la fermeture est définitive : je ne pourrai plus me connecter."),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        if not roles.is_community_member(user):
            # Nothing published in the community: nothing to choose.
            del self.fields["posts"]

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(_("Ce mot de passe n'est pas le bon."), code="wrong")
        return password

    @property
    def keep_posts(self) -> bool:
        return self.cleaned_data.get("posts", KEEP) == KEEP
