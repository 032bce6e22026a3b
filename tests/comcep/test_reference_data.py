from comcep.models import Operator, Region, RolloutPhase


def test_the_eighteen_regions_are_loaded_with_a_phase(reference_data):
    assert Region.objects.count() == 18
    assert Region.objects.filter(overseas=True).count() == 5
    assert set(Region.objects.values_list("phase", flat=True)) <= set(RolloutPhase.values)
    assert Region.objects.filter(name="La Réunion", code="04").exists()


def test_the_five_national_operators_carry_their_current_names(reference_data):
    names = set(Operator.objects.filter(kind="national").values_list("name", flat=True))
    assert names == {"Apec", "France Travail", "Missions locales", "Cap emploi", "Transitions Pro"}
    assert Operator.objects.get(slug="france-travail").former_name == "Pôle emploi"


def test_a_national_operator_serves_every_region_and_a_regional_one_only_its_own(reference_data):
    bretagne, corse = Region.objects.get(code="53"), Region.objects.get(code="94")
    regional = Operator.objects.create(slug="evolution-pro-bzh", name="Évolution Pro Bretagne",
                                       kind="regional")
    regional.regions.add(bretagne)

    assert Operator.objects.get(slug="apec").serves(corse)
    assert regional.serves(bretagne)
    assert not regional.serves(corse)
