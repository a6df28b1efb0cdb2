from django.shortcuts import get_object_or_404, render

from maillage.places.models import Place


def home(request):
    return render(request, "web/home.html", {"places": Place.objects.published()})


def place(request, slug):
    return render(request, "web/place.html", {"place": get_object_or_404(Place, slug=slug)})
