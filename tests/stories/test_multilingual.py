"""Articles about one event in English, Spanish, German and French join one story.

``../shared`` holds no real articles about the same event in several languages (its
feeds are parser fixtures, its corpora English), so the events here are real ones —
the reference story page's (Maduro's letter to Putin, Washington Post, 31 Oct 2025), the
French intelligence bill vote (Le Monde, 5 May 2015) and the Nepal earthquake's third
French victim (Libération, 2015) — told in each language as an outlet of that language
told them: the headline and the opening sentences, names and figures as published.
"""

from datetime import UTC, datetime, timedelta

from newsprism.ingest.archive import record_to_article
from newsprism.jobs.pipeline import Pipeline
from newsprism.store.articles import add_article
from newsprism.store.stories import iter_all_story_ids, story_articles
from newsprism.stories.cluster import ClusterParams

EVENTS = {
    "maduro": {
        "en": (
            "Maduro asked Putin for missiles and radar repairs, Washington Post reports",
            "Venezuelan President Nicolás Maduro asked Russian President Vladimir Putin for "
            "military assistance in a letter delivered in mid-October by Transport Minister "
            "Ramón Celestino Velásquez, as the United States builds up warships in the "
            "Caribbean. Maduro requested the overhaul of Sukhoi fighter jets, radars and "
            "missile units, and a financing plan through Rostec.",
        ),
        "es": (
            "Maduro pidió a Putin misiles y reparación de radares, según el Washington Post",
            "El presidente de Venezuela, Nicolás Maduro, pidió ayuda militar al presidente "
            "ruso Vladímir Putin en una carta entregada a mediados de octubre por el ministro "
            "de Transporte, Ramón Celestino Velásquez, en medio del despliegue militar de "
            "Estados Unidos en el Caribe. Maduro solicitó la reparación de los cazas Sujói, "
            "radares y unidades de misiles, y un plan de financiación a través de Rostec.",
        ),
        "de": (
            "Maduro bat Putin um Raketen und Radarreparaturen, berichtet die Washington Post",
            "Venezuelas Präsident Nicolás Maduro hat den russischen Präsidenten Wladimir "
            "Putin in einem Brief um militärische Hilfe gebeten, den Verkehrsminister Ramón "
            "Celestino Velásquez Mitte Oktober überbrachte, während die USA Kriegsschiffe in "
            "der Karibik zusammenziehen. Maduro bat um die Instandsetzung von "
            "Suchoi-Kampfjets, Radaranlagen und Raketeneinheiten sowie um eine Finanzierung "
            "über Rostec.",
        ),
        "fr": (
            "Maduro a demandé à Poutine des missiles et la réparation de radars, selon le "
            "Washington Post",
            "Le président vénézuélien Nicolás Maduro a demandé une aide militaire au président "
            "russe Vladimir Poutine dans une lettre remise à la mi-octobre par le ministre des "
            "Transports, Ramón Celestino Velásquez, alors que les États-Unis renforcent leur "
            "présence militaire dans les Caraïbes. Maduro a sollicité la remise en état des "
            "chasseurs Soukhoï, de radars et d'unités de missiles.",
        ),
    },
    "renseignement": {
        "en": (
            "French lawmakers overwhelmingly approve the intelligence bill",
            "The National Assembly approved the government's intelligence bill by a large "
            "majority on Tuesday, 438 votes to 86, giving the security services new powers to "
            "monitor internet traffic with algorithms after the Paris attacks. Critics and "
            "digital rights groups warned of mass surveillance; the Senate will now examine "
            "the text.",
        ),
        "es": (
            "Los diputados franceses aprueban por amplia mayoría la ley de inteligencia",
            "La Asamblea Nacional aprobó el martes por amplia mayoría, 438 votos contra 86, el "
            "proyecto de ley de inteligencia del Gobierno, que da a los servicios de seguridad "
            "nuevos poderes para vigilar el tráfico de internet con algoritmos tras los "
            "atentados de París. Los críticos advierten de una vigilancia masiva; ahora lo "
            "examinará el Senado.",
        ),
        "de": (
            "Französische Abgeordnete billigen Geheimdienstgesetz mit großer Mehrheit",
            "Die Nationalversammlung hat am Dienstag das Geheimdienstgesetz der Regierung mit "
            "438 zu 86 Stimmen gebilligt. Es gibt den Sicherheitsdiensten nach den Anschlägen "
            "von Paris neue Befugnisse, den Internetverkehr mit Algorithmen zu überwachen. "
            "Kritiker und Bürgerrechtler warnen vor Massenüberwachung; nun berät der Senat.",
        ),
        "fr": (
            "Le projet de loi sur le renseignement massivement approuvé à l'Assemblée",
            "L'Assemblée nationale a adopté mardi à une large majorité, par 438 voix contre 86, "
            "le projet de loi sur le renseignement, qui donne aux services de nouveaux moyens "
            "de surveiller le trafic internet à l'aide d'algorithmes après les attentats de "
            "Paris. Ses détracteurs dénoncent une surveillance de masse ; le Sénat doit "
            "maintenant examiner le texte.",
        ),
    },
    "nepal": {
        "en": (
            "Third French citizen confirmed dead in Nepal earthquake",
            "A third French national has died in the earthquake that struck Nepal, the foreign "
            "ministry said, while dozens of French travellers remain unaccounted for. The "
            "magnitude 7.8 quake has killed more than 7,000 people; rescue teams are still "
            "searching remote villages near Kathmandu.",
        ),
        "es": (
            "Confirman la muerte de un tercer francés en el terremoto de Nepal",
            "Un tercer ciudadano francés murió en el terremoto que sacudió Nepal, informó el "
            "Ministerio de Asuntos Exteriores, mientras decenas de viajeros franceses siguen "
            "sin localizar. El sismo de magnitud 7,8 ha causado más de 7.000 muertos; los "
            "equipos de rescate siguen buscando en aldeas remotas cerca de Katmandú.",
        ),
        "de": (
            "Dritter Franzose bei Erdbeben in Nepal ums Leben gekommen",
            "Ein dritter französischer Staatsbürger ist bei dem Erdbeben in Nepal ums Leben "
            "gekommen, teilte das Außenministerium mit; Dutzende französische Reisende werden "
            "noch vermisst. Das Beben der Stärke 7,8 hat mehr als 7000 Menschen getötet, "
            "Rettungsteams suchen weiter in abgelegenen Dörfern bei Kathmandu.",
        ),
        "fr": (
            "Un troisième Français mort dans le séisme au Népal",
            "Un troisième ressortissant français est mort dans le séisme qui a frappé le Népal, "
            "a annoncé le Quai d'Orsay, alors que des dizaines de voyageurs français restent "
            "injoignables. Le tremblement de terre de magnitude 7,8 a fait plus de 7 000 "
            "morts ; les secours fouillent encore des villages isolés près de Katmandou.",
        ),
    },
}


def test_one_event_in_four_languages_is_one_story_and_events_stay_apart(engine):
    start = datetime(2025, 10, 31, 8, tzinfo=UTC)
    minute = 0
    with engine.begin() as conn:
        # Interleaved as a real stream would bring them: language after language.
        for language in ("en", "es", "de", "fr"):
            for event, versions in EVENTS.items():
                title, text = versions[language]
                minute += 7
                # The import path, which detects each article's language offline.
                article = record_to_article(
                    {
                        "url": f"https://{language}.example.org/{event}",
                        "title": title,
                        "text": text,
                        "published": (start + timedelta(minutes=minute)).isoformat(),
                    }
                )
                add_article(conn, article)
    Pipeline(engine, params=ClusterParams()).process(refresh=False)

    with engine.connect() as conn:
        stories = [story_articles(conn, story_id) for story_id in iter_all_story_ids(conn)]
    grouped = sorted(sorted(a["url"] for a in members) for members in stories)
    expected = sorted(
        sorted(f"https://{language}.example.org/{event}" for language in ("de", "en", "es", "fr"))
        for event in EVENTS
    )
    assert grouped == expected
    # The language of every article is detected offline and stored with it.
    for members in stories:
        assert sorted(a["language"] for a in members) == ["de", "en", "es", "fr"]
