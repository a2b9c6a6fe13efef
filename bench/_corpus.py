"""A synthetic, Swedish-like news corpus and a fixed query mix, for the search benchmarks.

``generate_corpus(n, seed)`` streams ``n`` :class:`~indexer.article.Article` records (constant
memory, deterministic for a seed): a vocabulary of ~1,000 real Swedish stems (nouns in their
declensions with definite, plural and genitive forms, verbs in four tenses, adjectives in
three forms) plus ~2,500 compounds built from real modifiers and heads ("kommun" + "chef",
"säkerhets" + "samordnare"), drawn with Zipf-Mandelbrot frequencies; person names (first +
last), real municipalities and regions from the gazetteer, ~30 sources each with a home
region, personnel and municipal stories written from templates (who was appointed, what the
council decided) among general news, a few English and Finnish articles. Titles have 5-12
words, leads 15-35, bodies 400-800 (3-5 kB); publication times are spread over 2021-2025
(Europe/Stockholm).

``QUERY_MIX`` is a fixed list of ~200 searches of 1-4 words drawn from the same vocabulary
(plain, inflected, compounds, typos, ASCII-folded, phrases, a trailing prefix, names), half of
them with filters (source, municipality, date range, kind), as ``(text, Query kwargs)``:
``Query(text=text, **kwargs)``. The vocabulary and the mix do not depend on the corpus seed.
"""

from __future__ import annotations

import itertools
import random
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo

from crawler.gazetteer import Municipality, get_gazetteer
from indexer.article import Article, Person

__all__ = ["QUERY_KINDS", "QUERY_MIX", "SOURCES", "generate_corpus", "vocabulary_size"]

STOCKHOLM = ZoneInfo("Europe/Stockholm")
FIRST_DAY = datetime(2021, 1, 1, tzinfo=STOCKHOLM)
DAYS = (date(2026, 1, 1) - date(2021, 1, 1)).days  # five years
VOCAB_SEED = 20_240_809  # the vocabulary and QUERY_MIX are fixed, whatever the corpus seed
ZIPF_S = 1.1
ZIPF_Q = 2.7  # Mandelbrot's offset: flattens the very top ranks, as in real text
COMPOUNDS_PER_HEAD = 12
VOWELS = frozenset("aeiouyåäöé")

# --------------------------------------------------------------------------- vocabulary data

# Function words, most frequent first (they take the top ranks).
FUNCTION_WORDS = """
    och i att det som på är en av för med till den har de inte om ett han men var hon sig
    från vi så kan man när sedan efter ska nu också under hade mot blir mycket vid skulle alla
    eller där många finns andra bara enligt dem över kunde än sina detta hur även deras vara
    utan mellan två tre redan fick måste ingen något några få första inom samt vilket både
    genom just dock ändå fortfarande helt igen tidigare senare länge bland hela samma själv
    varit blev här därför kanske ju alltså ganska särskilt fyra fem sex tio hundra tusen
    dessutom nästan cirka runt totalt drygt knappt omkring ungefär hittills snart
""".split()

# Nouns: "base:class". Classes: a (skola/skolor), ar (bil/bilar), er (kommun/kommuner),
# n (område/områden), 0 (beslut/beslut), are (lärare/lärare), ag (politiker), or (rektor),
# ie (vikarie), nde (ordförande), mass (vård), plur (pengar), x (irregular, listed below).
NOUNS = """
    skola:a kyrka:a gata:a vecka:a flicka:a kvinna:a människa:a fråga:a lista:a sida:a
    klocka:a kassa:a summa:a stuga:a bana:a resa:a olycka:a firma:a arena:a krona:a taxa:a
    idrottshall:ar dag:ar väg:ar bil:ar hund:ar stol:ar sjö:ar båt:ar buss:ar skog:ar gård:ar
    fisk:ar hamn:ar kväll:ar pojke:ar timme:ar tanke:ar budget:ar tidning:ar satsning:ar
    utredning:ar förvaltning:ar ledning:ar undersökning:ar förändring:ar upphandling:ar
    renovering:ar nedläggning:ar investering:ar förbättring:ar utveckling:ar planering:ar
    anställning:ar höjning:ar minskning:ar ökning:ar rekrytering:ar utbildning:ar övning:ar
    förening:ar avdelning:ar omgång:ar händelse:er kommun:er region:er station:er nämnd:er
    plan:er familj:er polis:er process:er motion:er kostnad:er månad:er byggnad:er
    student:er patient:er minut:er park:er möjlighet:er säkerhet:er verksamhet:er
    myndighet:er enhet:er svårighet:er tjänst:er avgift:er skatt:er fabrik:er strategi:er
    organisation:er information:er situation:er diskussion:er revision:er position:er
    funktion:er tradition:er plats:er miljon:er miljard:er person:er insats:er chef:er
    direktör:er inspektör:er ingenjör:er assistent:er konsult:er specialist:er journalist:er
    expert:er arkitekt:er jurist:er ekonom:er psykolog:er pedagog:er präst:er
    kommunikatör:er administratör:er industri:er butik:er restaurang:er medborgare:are
    område:n möte:n arbete:n ställe:n ärende:n samhälle:n boende:n meddelande:n
    förhållande:n uttalande:n förtroende:n yttrande:n bygge:n läge:n
    beslut:0 hus:0 barn:0 år:0 förslag:0 projekt:0 avtal:0 system:0 uppdrag:0 jobb:0
    problem:0 underlag:0 kontor:0 sjukhus:0 bibliotek:0 företag:0 tillstånd:0 resultat:0
    underskott:0 överskott:0 utskott:0 förbund:0 bolag:0 råd:0 val:0 samtal:0 brott:0
    fall:0 mål:0 krav:0 stöd:0 lån:0 bidrag:0 anslag:0 förbud:0 ord:0 liv:0 folk:0 torg:0
    hotell:0 bygglov:0 evenemang:0 besked:0 larm:0 tåg:0 lag:0 sammanträde:n
    lärare:are läkare:are samordnare:are handläggare:are ledare:are medarbetare:are
    invånare:are företagare:are ägare:are förare:are utvecklare:are utredare:are
    deltagare:are arbetare:are forskare:are tränare:are väljare:are sekreterare:are
    föreståndare:are politiker:ag tekniker:ag musiker:ag controller:ag rektor:or
    revisor:or kurator:or vikarie:ie ordförande:nde vård:mass omsorg:mass ekonomi:mass
    energi:mass personal:mass trafik:mass kritik:mass politik:mass miljö:mass kultur:mass
    pengar:plur
    kollega:a mamma:a pappa:a flagga:a massa:a ruta:a kamera:a lampa:a soffa:a matta:a
    hylla:a tävling:ar seger:x förlust:er match:er serie:ie spelare:are säsong:er
    ändring:ar ersättning:ar försäljning:ar bedömning:ar lösning:ar placering:ar
    prövning:ar mätning:ar räkning:ar förhandling:ar omställning:ar uppföljning:ar
    granskning:ar avstängning:ar kontroll:er avveckling:ar sammanslagning:ar
    inflyttning:ar befolkning:ar omröstning:ar invigning:ar öppning:ar stängning:ar
    varning:ar räddning:ar olycksfall:0 skjutning:ar stöld:er inbrott:0 dom:ar
    åklagare:are advokat:er vittne:n fängelse:n straff:0 böter:plur rättegång:ar
    tingsrätt:er hovrätt:er domstol:ar brottsling:ar gärningsman:x misstanke:ar
    utbildningsplats:er arbetsplats:er arbetslöshet:er anställd:x lön:er pension:er
    skattebetalare:are hyra:a lägenhet:er villa:a hyresgäst:er fastighet:er tomt:er
    kvarter:0 stadsdel:ar gatunamn:0 cykelbana:a trottoar:er parkering:ar korsning:ar
    rondell:er bro:ar tunnel:x järnväg:ar station:er hållplats:er resenär:er
    pendlare:are flygplats:er färja:a buss:ar avgång:ar försening:ar biljett:er
    elev:er klass:er lektion:er betyg:0 prov:0 rast:er matsal:ar skolgård:ar
    förälder:x vårdnadshavare:are ungdom:ar pensionär:er brukare:are
    patient:er sjukdom:ar behandling:ar operation:er vårdplats:er akutmottagning:ar
    ambulans:er smitta:a vaccin:0 vaccination:er läkemedel:x apotek:0 mottagning:ar
    tandläkare:are barnmorska:a sjukskrivning:ar hälsa:mass ohälsa:mass
    kommunalråd:0 fullmäktigeledamot:x majoritet:er opposition:er koalition:er
    valrörelse:er väljarstöd:0 mandat:0 ersättare:are ledamot:x interpellation:er
    sammanträde:n protokoll:0 dagordning:ar remiss:er överklagande:n förvaltningsrätt:er
    länsstyrelse:x regering:ar riksdag:ar minister:x departement:0 lagstiftning:ar
    skattehöjning:ar skattesänkning:ar bidrag:0 statsbidrag:0 avgift:er intäkt:er
    utgift:er kostnad:er besparing:ar nedskärning:ar prognos:er bokslut:0 årsredovisning:ar
    resultat:0 tillväxt:mass inflation:er ränta:a lån:0 investering:ar företagare:are
    näringsliv:0 butik:er köpcentrum:x affär:er kund:er leverantör:er
    konkurs:er uppsägning:ar varsel:x nyanställning:ar rekrytering:ar arbetsgivare:are
    arbetstagare:are fackförbund:0 strejk:er löneökning:ar kollektivavtal:0
    jordbruk:0 lantbrukare:are skörd:ar mjölk:mass ko:x häst:ar får:0 gris:ar älg:ar
    varg:ar björn:ar jakt:er fiske:n skogsbruk:0 avverkning:ar natur:mass miljö:mass
    klimat:0 utsläpp:0 koldioxid:mass föroreningar:plur återvinning:ar sopor:plur
    avfall:0 vattenverk:0 avlopp:0 reningsverk:0 dricksvatten:x översvämning:ar
    storm:ar regn:0 snö:mass is:ar frost:mass värme:mass kyla:mass torka:a skogsbrand:x
    väder:x temperatur:er grad:er meteorolog:er
    festival:er konsert:er teater:x museum:x utställning:ar konstnär:er författare:are
    musiker:ag bok:x film:er föreställning:ar publik:er biljettpris:0 kulturhus:0
    bibliotek:0 förening:ar medlem:x volontär:er insamling:ar gåva:a
    kyrka:a präst:er församling:ar begravning:ar bröllop:0 dop:0 jubileum:x
    idrott:er fotboll:ar ishockey:mass handboll:ar innebandy:mass friidrott:er
    simhall:ar ishall:ar idrottsplats:er spelare:are tränare:are domare:are supporter:x
    mål:0 poäng:0 tabell:er division:er final:er turnering:ar
    tid:er stund:er period:er vår:ar höst:ar helg:er semester:x jul:ar påsk:ar
    midsommar:x nyår:0 kväll:ar eftermiddag:ar förmiddag:ar natt:x vecka:a
    invandring:ar integration:er flykting:ar asyl:mass migration:er språk:0
    svenska:mass modersmål:0 kultur:mass identitet:er mångfald:mass jämställdhet:mass
    diskriminering:ar trakasserier:plur hot:0 våld:0 brottslighet:mass trygghet:mass
    kamera:a övervakning:ar polisstation:er patrull:er larmcentral:er ambulans:er
    brandkår:er räddningsinsats:er utryckning:ar evakuering:ar
    internet:x dator:or mobil:er telefon:er app:ar webbplats:er sajt:er
    digitalisering:ar e-tjänst:er bredband:0 nätverk:0 hemsida:a
    tidningsartikel:x reporter:x redaktion:er nyhet:er artikel:x intervju:er
    uppgift:er siffra:a statistik:mass undersökning:ar enkät:er rapport:er
    granskning:ar kritik:mass synpunkt:er åsikt:er debatt:er insändare:are
""".split()

IRREGULAR_NOUNS: dict[str, tuple[str, str, str, str]] = {
    "man": ("man", "mannen", "män", "männen"),
    "stad": ("stad", "staden", "städer", "städerna"),
    "land": ("land", "landet", "länder", "länderna"),
    "bok": ("bok", "boken", "böcker", "böckerna"),
    "son": ("son", "sonen", "söner", "sönerna"),
    "natt": ("natt", "natten", "nätter", "nätterna"),
    "hand": ("hand", "handen", "händer", "händerna"),
    "bonde": ("bonde", "bonden", "bönder", "bönderna"),
    "ledamot": ("ledamot", "ledamoten", "ledamöter", "ledamöterna"),
    "vän": ("vän", "vännen", "vänner", "vännerna"),
    "sommar": ("sommar", "sommaren", "somrar", "somrarna"),
    "vinter": ("vinter", "vintern", "vintrar", "vintrarna"),
    "morgon": ("morgon", "morgonen", "morgnar", "morgnarna"),
    "program": ("program", "programmet", "program", "programmen"),
    "vatten": ("vatten", "vattnet", "vatten", "vattnen"),
    "fullmäktige": ("fullmäktige", "fullmäktige", "fullmäktige", "fullmäktige"),
    "ansökan": ("ansökan", "ansökan", "ansökningar", "ansökningarna"),
    "museum": ("museum", "museet", "museer", "museerna"),
    "centrum": ("centrum", "centrumet", "centrum", "centrumen"),
    "gymnasium": ("gymnasium", "gymnasiet", "gymnasier", "gymnasierna"),
    "bostad": ("bostad", "bostaden", "bostäder", "bostäderna"),
    "dotter": ("dotter", "dottern", "döttrar", "döttrarna"),
    "tjänsteman": ("tjänsteman", "tjänstemannen", "tjänstemän", "tjänstemännen"),
    "parti": ("parti", "partiet", "partier", "partierna"),
    "kansli": ("kansli", "kansliet", "kanslier", "kanslierna"),
    "vårdcentral": ("vårdcentral", "vårdcentralen", "vårdcentraler", "vårdcentralerna"),
    "styrelse": ("styrelse", "styrelsen", "styrelser", "styrelserna"),
    "hall": ("hall", "hallen", "hallar", "hallarna"),
    "biträde": ("biträde", "biträdet", "biträden", "biträdena"),
    "ansvarig": ("ansvarig", "ansvarige", "ansvariga", "ansvariga"),
    "talesperson": ("talesperson", "talespersonen", "talespersoner", "talespersonerna"),
    "procent": ("procent", "procenten", "procent", "procenten"),
    "seger": ("seger", "segern", "segrar", "segrarna"),
    "gärningsman": ("gärningsman", "gärningsmannen", "gärningsmän", "gärningsmännen"),
    "anställd": ("anställd", "anställde", "anställda", "anställda"),
    "förälder": ("förälder", "föräldern", "föräldrar", "föräldrarna"),
    "fullmäktigeledamot": ("fullmäktigeledamot", "fullmäktigeledamoten",
                           "fullmäktigeledamöter", "fullmäktigeledamöterna"),
    "länsstyrelse": ("länsstyrelse", "länsstyrelsen", "länsstyrelser", "länsstyrelserna"),
    "köpcentrum": ("köpcentrum", "köpcentrumet", "köpcentrum", "köpcentrumen"),
    "ko": ("ko", "kon", "kor", "korna"),
    "dricksvatten": ("dricksvatten", "dricksvattnet", "dricksvatten", "dricksvattnen"),
    "skogsbrand": ("skogsbrand", "skogsbranden", "skogsbränder", "skogsbränderna"),
    "väder": ("väder", "vädret", "väder", "vädren"),
    "teater": ("teater", "teatern", "teatrar", "teatrarna"),
    "medlem": ("medlem", "medlemmen", "medlemmar", "medlemmarna"),
    "jubileum": ("jubileum", "jubileet", "jubileer", "jubileerna"),
    "supporter": ("supporter", "supportern", "supportrar", "supportrarna"),
    "midsommar": ("midsommar", "midsommaren", "midsomrar", "midsomrarna"),
    "internet": ("internet", "internet", "internet", "internet"),
    "tidningsartikel": ("tidningsartikel", "tidningsartikeln", "tidningsartiklar",
                        "tidningsartiklarna"),
    "artikel": ("artikel", "artikeln", "artiklar", "artiklarna"),
    "reporter": ("reporter", "reportern", "reportrar", "reportrarna"),
    "tunnel": ("tunnel", "tunneln", "tunnlar", "tunnlarna"),
    "semester": ("semester", "semestern", "semestrar", "semestrarna"),
    "minister": ("minister", "ministern", "ministrar", "ministrarna"),
    "läkemedel": ("läkemedel", "läkemedlet", "läkemedel", "läkemedlen"),
    "varsel": ("varsel", "varslet", "varsel", "varslen"),
}  # fmt: skip

# Verbs: "infinitive:class". 1 (arbeta), 2a (ställa), 2b (köpa), 3 (bo), x (listed below).
VERBS = """
    arbeta:1 besluta:1 planera:1 investera:1 renovera:1 rekrytera:1 presentera:1 behandla:1
    diskutera:1 kritisera:1 samarbeta:1 organisera:1 lämna:1 starta:1 öppna:1 minska:1 öka:1
    satsa:1 finansiera:1 prioritera:1 debattera:1 visa:1 fråga:1 svara:1 berätta:1 handla:1
    betala:1 ansvara:1 arrangera:1 informera:1 meddela:1 kontakta:1 klubba:1 granska:1
    ändra:1 förändra:1 förbättra:1 spara:1 verka:1 sluta:1 börja:1 träffa:1 förlora:1
    spela:1 träna:1 flytta:1 skapa:1 hitta:1 jobba:1 utreda:x tilldela:1 anmäla:2a bygga:2a
    stänga:2a anställa:2a kräva:2a förlänga:2a höja:2a behöva:2a leva:2a höra:2a känna:2a
    äga:2a hyra:2a leda:2a ställa:2a ringa:2a glömma:2a undersöka:2b sänka:2b tycka:2b
    läsa:2b möta:2b hjälpa:2b köpa:2b väcka:2b ansöka:2b söka:2b tro:3 bo:3 må:3
    föreslå:x tillsätta:x avgå:x tillträda:x utse:x välja:x godkänna:x dra:x ta:x ge:x gå:x
    komma:x bli:x säga:x se:x göra:x vilja:x fortsätta:x ligga:x stå:x sitta:x hålla:x
    skriva:x vinna:x stödja:x driva:x sälja:x riva:x finnas:x
    kalla:1 utvärdera:1 analysera:1 konstatera:1 bekräfta:1 kommentera:1 erbjuda:x
    uppmana:1 varna:1 larma:1 rädda:1 evakuera:1 stoppa:1 förhindra:1 förebygga:2a
    orsaka:1 drabba:1 skada:1 döma:2a åtala:1 gripa:x anhålla:x häkta:1 misstänka:2b
    erkänna:x neka:1 överklaga:1 pröva:1 avslå:x bevilja:1 tillåta:x förbjuda:x inviga:x
    fira:1 samla:1 delta:x besöka:2b vänta:1 mena:1 anse:x tänka:2b förklara:1
    beskriva:x påpeka:1 understryka:x betona:1 framhålla:x lova:1 kosta:1 räcka:2b
    gälla:2a lösa:2b ersätta:x utöka:1 köra:2a åka:2b resa:2b flyga:x stanna:1
    passera:1 landa:1 lägga:x sätta:x skicka:1 leverera:1 producera:1 tillverka:1
    exportera:1 expandera:1 avskeda:1 varsla:1 förhandla:1 rösta:1 nominera:1
    kandidera:1 regera:1 styra:2a föra:2a tävla:1 mäta:2b räkna:1 beräkna:1
    budgetera:1 fördela:1 omfatta:1 innebära:x bero:3 bidra:x uppstå:x inträffa:1
    hända:2a använda:2a sända:2a vända:2a välkomna:1 uppskatta:1 utnyttja:1
    underlätta:1 försvåra:1 förvärra:1 stärka:2b reducera:1 halvera:1 fördubbla:1
    protestera:1 demonstrera:1 uppmärksamma:1 vårda:1 sköta:2b rehabilitera:1
    utbilda:1 undervisa:1 lära:2a studera:1 forska:1 publicera:1 rapportera:1
    avslöja:1 intervjua:1 fotografera:1 filma:1 dela:1 gilla:1
"""
IRREGULAR_VERBS: dict[str, tuple[str, str, str]] = {  # present, past, supine
    "utreda": ("utreder", "utredde", "utrett"),
    "föreslå": ("föreslår", "föreslog", "föreslagit"),
    "tillsätta": ("tillsätter", "tillsatte", "tillsatt"),
    "avgå": ("avgår", "avgick", "avgått"),
    "tillträda": ("tillträder", "tillträdde", "tillträtt"),
    "utse": ("utser", "utsåg", "utsett"),
    "välja": ("väljer", "valde", "valt"),
    "godkänna": ("godkänner", "godkände", "godkänt"),
    "dra": ("drar", "drog", "dragit"),
    "ta": ("tar", "tog", "tagit"),
    "ge": ("ger", "gav", "gett"),
    "gå": ("går", "gick", "gått"),
    "komma": ("kommer", "kom", "kommit"),
    "bli": ("blir", "blev", "blivit"),
    "säga": ("säger", "sa", "sagt"),
    "se": ("ser", "såg", "sett"),
    "göra": ("gör", "gjorde", "gjort"),
    "vilja": ("vill", "ville", "velat"),
    "fortsätta": ("fortsätter", "fortsatte", "fortsatt"),
    "ligga": ("ligger", "låg", "legat"),
    "stå": ("står", "stod", "stått"),
    "sitta": ("sitter", "satt", "suttit"),
    "hålla": ("håller", "höll", "hållit"),
    "skriva": ("skriver", "skrev", "skrivit"),
    "vinna": ("vinner", "vann", "vunnit"),
    "stödja": ("stödjer", "stödde", "stött"),
    "driva": ("driver", "drev", "drivit"),
    "sälja": ("säljer", "sålde", "sålt"),
    "riva": ("river", "rev", "rivit"),
    "finnas": ("finns", "fanns", "funnits"),
    "erbjuda": ("erbjuder", "erbjöd", "erbjudit"),
    "gripa": ("griper", "grep", "gripit"),
    "anhålla": ("anhåller", "anhöll", "anhållit"),
    "erkänna": ("erkänner", "erkände", "erkänt"),
    "avslå": ("avslår", "avslog", "avslagit"),
    "tillåta": ("tillåter", "tillät", "tillåtit"),
    "förbjuda": ("förbjuder", "förbjöd", "förbjudit"),
    "inviga": ("inviger", "invigde", "invigt"),
    "delta": ("deltar", "deltog", "deltagit"),
    "anse": ("anser", "ansåg", "ansett"),
    "beskriva": ("beskriver", "beskrev", "beskrivit"),
    "understryka": ("understryker", "underströk", "understrukit"),
    "framhålla": ("framhåller", "framhöll", "framhållit"),
    "ersätta": ("ersätter", "ersatte", "ersatt"),
    "flyga": ("flyger", "flög", "flugit"),
    "lägga": ("lägger", "lade", "lagt"),
    "sätta": ("sätter", "satte", "satt"),
    "innebära": ("innebär", "innebar", "inneburit"),
    "bidra": ("bidrar", "bidrog", "bidragit"),
    "uppstå": ("uppstår", "uppstod", "uppstått"),
}

ADJECTIVES = """
    stor viktig svensk lokal kommunal regional politisk ekonomisk social hög låg lång
    svår enkel tydlig möjlig nödvändig aktuell allmän offentlig privat statlig central
    nationell internationell digital tillfällig ordinarie ansvarig tidig sen snabb
    säker osäker trygg otrygg dyr billig stark svag tung varm kall glad ledsen orolig
    nöjd missnöjd positiv negativ kritisk saklig rimlig ordentlig bred smal djup grön
    fri ny god röd gammal liten egen öppen vacker ekologisk hållbar modern effektiv
    fullständig sammanlagd total årlig daglig vanlig ovanlig normal allvarlig farlig sjuk
    frisk ung fattig rik arbetslös hemlös ensam gemensam enig oenig arg besviken förvånad
    intresserad beredd klar färdig ledig upptagen stängd försenad inställd planerad
    föreslagen juridisk medicinsk teknisk praktisk historisk kulturell ideell
    kommersiell demokratisk liberal konservativ borgerlig rödgrön omfattande avgörande
    kommande pågående nuvarande betydande gratis extra
""".split()
IRREGULAR_ADJECTIVES: dict[str, tuple[str, ...]] = {
    "fri": ("fri", "fritt", "fria"),
    "ny": ("ny", "nytt", "nya"),
    "god": ("god", "gott", "goda", "bättre", "bäst"),
    "röd": ("röd", "rött", "röda"),
    "gammal": ("gammal", "gammalt", "gamla", "äldre", "äldst"),
    "liten": ("liten", "litet", "lilla", "små", "mindre", "minst"),
    "egen": ("egen", "eget", "egna"),
    "öppen": ("öppen", "öppet", "öppna"),
    "vacker": ("vacker", "vackert", "vackra"),
    "ordinarie": ("ordinarie",),
    "sen": ("sen", "sent", "sena", "senast"),
    "stor": ("stor", "stort", "stora", "större", "störst"),
    "ledsen": ("ledsen", "ledset", "ledsna"),
    "glad": ("glad", "glatt", "glada"),
    "bred": ("bred", "brett", "breda"),
}

ADVERBS = """
    däremot tillsammans åtminstone troligen egentligen slutligen förmodligen nyligen
    tyvärr samtidigt omedelbart fortsättningsvis framöver däribland exempelvis idag igår
    hemma borta ute inne uppe nere tillbaka bort fram
""".split()

# Compounds: heads with their declension class, modifiers in their linking form.
HEADS = """
    chef:er samordnare:are direktör:er ordförande:nde sekreterare:are handläggare:are
    strateg:er utvecklare:are ledare:are rektor:or lärare:are läkare:are sköterska:a
    assistent:er konsult:er utredare:are inspektör:er ingenjör:er arkitekt:er jurist:er
    ekonom:er controller:ag politiker:ag råd:0 medarbetare:are kommunikatör:er
    samordning:ar företagare:are förare:are polis:er revisor:or vikarie:ie pedagog:er
    kurator:or psykolog:er tekniker:ag specialist:er expert:er administratör:er
    föreståndare:are nämnd:er förvaltning:ar utskott:0 förbund:0 bolag:0 förening:ar
    skola:a sjukhus:0 bibliotek:0 kontor:0 avdelning:ar enhet:er budget:ar beslut:0
    plan:er projekt:0 avtal:0 utredning:ar upphandling:ar investering:ar underskott:0
    skatt:er taxa:a boende:n tjänst:er bygge:n renovering:ar nedläggning:ar satsning:ar
    bana:a myndighet:er strategi:er
""".split()
MODIFIERS = """
    kommun skol social bygg miljö kultur fritids barn äldre vård säkerhets ekonomi
    personal närings trafik gatu park stads lands regions polis brand räddnings bostads
    energi vatten avlopps idrotts musik turism stadsbyggnads omsorgs utbildnings
    arbetsmarknads integrations folkhälso kris beredskaps informations kommunikations
    upphandlings fastighets förskole gymnasie grundskole hälso sjukvårds tandvårds
    kollektivtrafik järnvägs väg hamn flyg skatte investerings skogs natur klimat el
    fjärrvärme bredbands biblioteks simhalls is fotbolls hockey ungdoms student familje
    föräldra hem hemtjänst demens lokal stats riks läns distrikts centrum hållbarhets
    jämställdhets mångfalds digitaliserings utvecklings kvalitets lednings verksamhets
    service kund företags handels besöks evenemangs fiske lantbruks kost städ transport
    fordons cykel parkerings snöröjnings renhållnings återvinnings avfalls bygglovs
    detalj översikts mark exploaterings hyres friskole IT- HR- tillväxt oppositions
""".split()
# Real compounds that must exist (with their classes); they rank among the common words.
KEY_COMPOUNDS = """
    kommunchef:er kommundirektör:er kommunstyrelse:x säkerhetssamordnare:are socialnämnd:er
    socialchef:er skolchef:er förvaltningschef:er ekonomichef:er räddningschef:er
    stadsbyggnadsnämnd:er kommunalråd:0 oppositionsråd:0 byggnadsnämnd:er miljönämnd:er
    kulturnämnd:er äldreboende:n förskola:a grundskola:a gymnasieskola:a hemtjänst:mass
    vårdcentral:x bostadsbolag:0 kommunalskatt:er detaljplan:er översiktsplan:er
    kommunfullmäktige:x räddningstjänst:mass socialtjänst:mass säkerhetsskyddschef:er
    personalchef:er näringslivschef:er kommunikationschef:er
""".split()
IRREGULAR_NOUNS["kommunstyrelse"] = ("kommunstyrelse", "kommunstyrelsen", "kommunstyrelser",
                                     "kommunstyrelserna")  # fmt: skip
IRREGULAR_NOUNS["kommunfullmäktige"] = ("kommunfullmäktige",) * 4

# Words pinned right after the function words: the common content words of local news.
PINNED = """
    säga år kommun komma få procent krona miljon barn skola ny stor beslut kommunstyrelse
    kommunfullmäktige förslag region polis dag vecka budget plan verksamhet
""".split()

ROLES = """
    kommunchef kommundirektör säkerhetssamordnare socialchef skolchef förvaltningschef
    ekonomichef räddningschef personalchef näringslivschef kommunikationschef
    säkerhetsskyddschef kommunalråd oppositionsråd rektor miljöinspektör
    bygglovshandläggare stadsarkitekt controller kurator
    verksamhetschef enhetschef områdeschef äldreomsorgschef kulturchef fritidschef
""".split()
ROLE_CHANGES = ("appointed", "acting", "leaving", "resigned", "retired", "new_job")

FIRST_NAMES = """
    Anna Eva Maria Karin Sara Lena Kerstin Emma Ingrid Marie Malin Jenny Hanna Linda Annika
    Susanne Elin Johanna Sofia Ida Camilla Helena Åsa Ulla Birgitta Margareta Elisabeth
    Kristina Sandra Louise Frida Josefin Amanda Matilda Lisa Moa Ebba Agnes Fatima Amira
    Lars Mikael Anders Johan Erik Per Karl Peter Thomas Jan Daniel Fredrik Hans Andreas
    Stefan Mattias Magnus Mats Jonas Niklas Marcus Martin Björn Henrik Patrik Ulf Bengt Göran
    Leif Oskar Viktor Emil Alexander Gustav Axel Jesper Kristoffer Simon Ahmed Mohammed Ali
    Hassan Omar Håkan Åke Sven Nils Olof Gunnar Rolf
""".split()
LAST_NAMES = """
    Andersson Johansson Karlsson Nilsson Eriksson Larsson Olsson Persson Svensson
    Gustafsson Pettersson Jonsson Jansson Hansson Bengtsson Jönsson Lindberg Jakobsson
    Magnusson Olofsson Lindström Lindqvist Lindgren Berg Axelsson Bergström Lundberg Lind
    Lundgren Lundqvist Mattsson Berglund Fredriksson Sandberg Henriksson Forsberg Sjöberg
    Wallin Ali Engström Mohammed Eklund Danielsson Lundin Håkansson Björk Bergman
    Gunnarsson Holm Wikström Samuelsson Isaksson Fransson Bergqvist Nyström Holmberg
    Arvidsson Löfgren Söderberg Nyberg Blomqvist Claesson Nordström Mårtensson Lundström
    Ahmed Viklund Björklund Eliasson Pålsson Berggren Sandström Lund Nordin Ström Åberg
    Hermansson Ekström Holmgren Sundberg Hedlund Dahlberg Hellström Sjögren Abrahamsson
    Falk Martinsson Öberg Andreasson Strömberg Månsson Åkesson Dahl Lindholm Norberg
    Holmqvist Westerbäck Grönlund Kvist Hedberg
""".split()
MONTHS = """januari februari mars april maj juni juli augusti september oktober november
    december""".split()
WEEKDAYS = "måndagen tisdagen onsdagen torsdagen fredagen lördagen söndagen".split()

ENGLISH = """
    the of and to in is for that on with as was at by it from this be are has have will
    said new council municipality local school budget people year city plan decision
    meeting county health care housing police residents million kronor report week
    project public service children center road mayor committee proposal staff support
""".split()
FINNISH = """
    ja on että kunta kunnan uusi koulu päätös vuonna mukaan kaupunki hallitus talousarvio
    sanoo myös kanssa joka mutta ei oli ovat hän se kun tai nyt vielä jo asukkaat lapset
    miljoonaa euroa kokous valtuusto johtaja työ paikka alue
""".split()

# (id, name, domain, home region code, weight): local papers, public broadcasters' local
# desks, municipality news pages.
SOURCES: tuple[tuple[str, str, str, str, int], ...] = (
    ("barometern", "Barometern", "barometern.se", "08", 9),
    ("vimmerby-tidning", "Vimmerby Tidning", "vimmerbytidning.se", "08", 4),
    ("ostra-smaland", "Östra Småland", "ostrasmaland.se", "08", 3),
    ("smp", "Smålandsposten", "smp.se", "07", 6),
    ("jp", "Jönköpings-Posten", "jp.se", "06", 8),
    ("corren", "Corren", "corren.se", "05", 9),
    ("nt", "Norrköpings Tidningar", "nt.se", "05", 7),
    ("unt", "Upsala Nya Tidning", "unt.se", "03", 8),
    ("ekuriren", "Eskilstuna-Kuriren", "ekuriren.se", "04", 5),
    ("na", "Nerikes Allehanda", "na.se", "18", 6),
    ("vlt", "Vestmanlands Läns Tidning", "vlt.se", "19", 6),
    ("gd", "Gefle Dagblad", "gd.se", "21", 5),
    ("ht", "Hudiksvalls Tidning", "ht.se", "21", 2),
    ("dt", "Dalarnas Tidningar", "dt.se", "20", 6),
    ("st", "Sundsvalls Tidning", "st.nu", "22", 5),
    ("op", "Östersunds-Posten", "op.se", "23", 4),
    ("vk", "Västerbottens-Kuriren", "vk.se", "24", 6),
    ("kuriren", "Norrbottens-Kuriren", "kuriren.nu", "25", 4),
    ("pt", "Piteå-Tidningen", "pitea-tidningen.se", "25", 2),
    ("nwt", "Nya Wermlands-Tidningen", "nwt.se", "17", 6),
    ("bohuslaningen", "Bohusläningen", "bohuslaningen.se", "14", 4),
    ("bt", "Borås Tidning", "bt.se", "14", 6),
    ("hp", "Hallandsposten", "hallandsposten.se", "13", 5),
    ("hd", "Helsingborgs Dagblad", "hd.se", "12", 7),
    ("ystads-allehanda", "Ystads Allehanda", "ystadsallehanda.se", "12", 3),
    ("blt", "Blekinge Läns Tidning", "blt.se", "10", 4),
    ("helagotland", "Gotlands Allehanda", "helagotland.se", "09", 3),
    ("mitti", "Mitt i Stockholm", "mitti.se", "01", 8),
    ("svt-smaland", "SVT Nyheter Småland", "svt.se", "07", 4),
    ("svt-ost", "SVT Nyheter Öst", "svt.se", "05", 4),
    ("p4-kalmar", "P4 Kalmar", "sverigesradio.se", "08", 3),
    ("p4-vasterbotten", "P4 Västerbotten", "sverigesradio.se", "24", 3),
    ("vimmerby-kommun", "Vimmerby kommun", "vimmerby.se", "08", 1),
)
SECTIONS = ("nyheter", "nyheter", "nyheter", "politik", "ekonomi", "sport", "kultur", "blaljus")

# --------------------------------------------------------------------------- inflection


def noun_forms(base: str, cls: str) -> list[tuple[str, float]]:
    """Surface forms of a noun with their share of the noun's occurrences."""
    if base in IRREGULAR_NOUNS or cls == "x":
        sg, sgd, pl, pld = IRREGULAR_NOUNS[base]
    elif cls == "a":
        stem = base[:-1]
        sg, sgd, pl, pld = base, base + "n", stem + "or", stem + "orna"
    elif cls == "ar":
        stem = base[:-1] if base.endswith("e") else base
        sgd = base + "n" if base[-1] in VOWELS else base + "en"
        sg, pl, pld = base, stem + "ar", stem + "arna"
    elif cls == "er":
        if base[-1] in VOWELS and not base.endswith("e"):  # strategi, intervju
            sg, sgd, pl, pld = base, base + "n", base + "er", base + "erna"
        elif base.endswith("e"):
            sg, sgd, pl, pld = base, base + "n", base + "r", base + "rna"
        else:
            sg, sgd, pl, pld = base, base + "en", base + "er", base + "erna"
    elif cls == "n":
        sg, sgd, pl, pld = base, base + "t", base + "n", base + "na"
    elif cls == "0":
        sgd = base + ("et" if not base.endswith("e") else "t")
        sg, pl, pld = base, base, base + "en"
    elif cls == "are":
        sg, sgd, pl, pld = base, base + "n", base, base[:-1] + "na"
    elif cls == "ag":
        sg, sgd, pl, pld = base, base + "n", base, base + "na"
    elif cls == "or":
        sg, sgd, pl, pld = base, base + "n", base + "er", base + "erna"
    elif cls == "ie":
        sg, sgd, pl, pld = base, base + "n", base + "r", base + "rna"
    elif cls == "nde":
        sg, sgd, pl, pld = base, base + "n", base, base + "na"
    elif cls == "mass":
        definite = base + ("n" if base[-1] in VOWELS else "en")
        return [(base, 0.5), (definite, 0.4), (definite + "s", 0.1)]
    elif cls == "plur":
        return [(base, 0.6), (base + "na", 0.4)]
    else:
        raise ValueError(f"unknown noun class {cls!r} for {base!r}")
    forms = [(sg, 0.34), (sgd, 0.3), (pl, 0.14), (pld, 0.1)]
    forms += [(_genitive(sgd), 0.08), (_genitive(pld), 0.02), (_genitive(sg), 0.02)]
    return forms


def _genitive(word: str) -> str:
    return word if word.endswith(("s", "x", "z")) else word + "s"


def verb_forms(inf: str, cls: str) -> list[tuple[str, float]]:
    if cls == "x":
        pres, past, sup = IRREGULAR_VERBS[inf]
    elif cls == "1":
        pres, past, sup = inf + "r", inf + "de", inf + "t"
    elif cls in ("2a", "2b"):
        stem = inf[:-1]
        pres = stem if stem.endswith("r") else stem + "er"
        short = stem[:-1] if stem.endswith(("nn", "mm")) else stem
        if cls == "2a" and short.endswith("d") and short[-2] not in VOWELS:
            past, sup = short + "e", short[:-1] + "t"  # använde, använt
        elif cls == "2a":
            past = short + "de"
            sup = short[:-1] + "tt" if short.endswith("d") else short + "t"  # ledde, lett
        else:
            past, sup = short + "te", short + "t"
    elif cls == "3":
        pres, past, sup = inf + "r", inf + "dde", inf + "tt"
    else:
        raise ValueError(f"unknown verb class {cls!r} for {inf!r}")
    forms = [(inf, 0.15), (pres, 0.38), (past, 0.3), (sup, 0.12)]
    if cls == "1":
        forms.append((inf + "s", 0.05))  # the s-passive: "beslutas", "behandlas"
    return forms


def adjective_forms(base: str) -> list[tuple[str, float]]:
    forms = IRREGULAR_ADJECTIVES.get(base)
    if forms is None:
        if base.endswith("nde") or base in ("gratis", "extra"):
            forms = (base,)
        elif base.endswith("ad"):  # planerad, planerat, planerade
            forms = (base, base[:-1] + "t", base + "e")
        elif base.endswith("dd"):  # beredd, berett, beredda
            forms = (base, base[:-2] + "tt", base + "a")
        elif base.endswith("d") and base[-2] not in VOWELS:  # stängd, stängt, stängda
            forms = (base, base[:-1] + "t", base + "a")
        elif base.endswith("en"):  # upptagen, upptaget, upptagna
            forms = (base, base[:-1] + "t", base[:-2] + "na")
        elif base.endswith("am"):  # gemensam, gemensamt, gemensamma
            forms = (base, base + "t", base + "ma")
        elif base.endswith("t"):
            forms = (base, base, base + "a")
        elif base.endswith("er"):  # säker, säkert, säkra
            forms = (base, base + "t", base[:-2] + "ra")
        else:
            forms = (base, base + "t", base + "a")
    share = 1.0 / len(forms)
    return [(form, share) for form in dict.fromkeys(forms)]


# --------------------------------------------------------------------------- the vocabulary


@dataclass(frozen=True)
class Lemma:
    key: str
    pos: str  # function, noun, verb, adj, adv, compound
    forms: tuple[tuple[str, float], ...]


@dataclass(frozen=True)
class Vocabulary:
    lemmas: tuple[Lemma, ...]  # by rank
    words: tuple[str, ...]  # surface forms (repeated where two lemmas share one)
    cum: tuple[float, ...]  # cumulative Zipf weights over ``words``
    content_words: tuple[str, ...]  # the same without function words, for titles
    content_cum: tuple[float, ...]
    compounds: tuple[Lemma, ...]
    heads: tuple[Lemma, ...]
    municipalities: tuple[Municipality, ...]


def _pairs(text: str) -> list[tuple[str, str]]:
    return [tuple(item.split(":")) for item in text.split()]  # type: ignore[misc]


@cache
def vocabulary() -> Vocabulary:
    """The fixed vocabulary (built once per process, same for every seed)."""
    rng = random.Random(VOCAB_SEED)
    lemmas: dict[str, Lemma] = {}

    def add(key: str, pos: str, forms: list[tuple[str, float]]) -> None:
        if key not in lemmas:
            lemmas[key] = Lemma(key, pos, tuple(forms))

    for word in FUNCTION_WORDS:
        add("f:" + word, "function", [(word, 1.0)])
    for base, cls in (tuple(item.split(":")) for item in NOUNS):
        add(base, "noun", noun_forms(base, cls))
    for base in IRREGULAR_NOUNS:
        add(base, "noun", noun_forms(base, "x"))
    for inf, cls in _pairs(VERBS):
        add("v:" + inf, "verb", verb_forms(inf, cls))
    for base in ADJECTIVES:
        add("a:" + base, "adj", adjective_forms(base))
    for word in ADVERBS:
        add("r:" + word, "adv", [(word, 1.0)])
    key_compounds = [Lemma(b, "compound", tuple(noun_forms(b, c))) for b, c in _pairs(
        " ".join(KEY_COMPOUNDS))]  # fmt: skip
    heads = [(h, c) for h, c in (tuple(item.split(":")) for item in HEADS)]
    generated: list[Lemma] = []
    for head, cls in heads:
        for modifier in rng.sample(MODIFIERS, COMPOUNDS_PER_HEAD):
            word = modifier + head
            generated.append(Lemma(word, "compound", tuple(noun_forms(word, cls))))
    # Ranks: function words, the pinned common words, then everything else shuffled (key
    # compounds among the first thousand), then the generated compounds.
    pinned_keys = [k for p in PINNED for k in (p, "v:" + p, "a:" + p) if k in lemmas]
    pinned_keys += [c.key for c in key_compounds if c.key in PINNED]
    pinned = [lemmas[k] if k in lemmas else _find(key_compounds, k) for k in pinned_keys]
    function = [lem for lem in lemmas.values() if lem.pos == "function"]
    rest = [lem for lem in lemmas.values() if lem.pos != "function" and lem not in pinned]
    rng.shuffle(rest)
    for compound in key_compounds:
        if compound not in pinned:
            rest.insert(rng.randrange(40, 900), compound)
    rng.shuffle(generated)
    seen: set[str] = set()
    ranked: list[Lemma] = []
    for lemma in [*function, *pinned, *rest, *generated]:
        if lemma.key not in seen:
            seen.add(lemma.key)
            ranked.append(lemma)

    words: list[str] = []
    weights: list[float] = []
    content_words: list[str] = []
    content_weights: list[float] = []
    for rank, lemma in enumerate(ranked, 1):
        weight = 1.0 / (rank + ZIPF_Q) ** ZIPF_S
        for form, share in lemma.forms:
            words.append(form)
            weights.append(weight * share)
            if lemma.pos != "function":
                content_words.append(form)
                content_weights.append(weight * share)
    gazetteer = get_gazetteer()
    return Vocabulary(
        lemmas=tuple(ranked),
        words=tuple(words),
        cum=tuple(itertools.accumulate(weights)),
        content_words=tuple(content_words),
        content_cum=tuple(itertools.accumulate(content_weights)),
        compounds=(*key_compounds, *generated),
        heads=tuple(Lemma(h, "noun", tuple(noun_forms(h, c))) for h, c in heads),
        municipalities=tuple(gazetteer.municipalities),
    )


def _find(lemmas: list[Lemma], key: str) -> Lemma:
    return next(lemma for lemma in lemmas if lemma.key == key)


def vocabulary_size() -> dict[str, int]:
    """Counts for the benchmark report: lemmas, compounds, distinct surface forms."""
    vocab = vocabulary()
    return {
        "lemmas": len(vocab.lemmas),
        "compounds": sum(1 for lemma in vocab.lemmas if lemma.pos == "compound"),
        "surface_forms": len(set(vocab.words)),
    }


# --------------------------------------------------------------------------- articles


def _person(rng: random.Random) -> str:
    return f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"


class _Writer:
    """Writes one article's text from the vocabulary; one per corpus (holds the rng)."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.vocab = vocabulary()
        gazetteer = get_gazetteer()
        self.by_region = {r.code: gazetteer.municipalities_in(r) for r in gazetteer.regions}
        self.region_names = {r.code: r.name for r in gazetteer.regions}
        self.source_cum = list(itertools.accumulate(s[4] for s in SOURCES))

    def words(self, k: int, content: bool = False) -> list[str]:
        vocab = self.vocab
        if content:
            return self.rng.choices(vocab.content_words, cum_weights=vocab.content_cum, k=k)
        return self.rng.choices(vocab.words, cum_weights=vocab.cum, k=k)

    def rare_word(self) -> str:
        """A three-part compound ("bredbandsfritidssamordnaren"): the long tail of rare
        words real news has, so the term dictionary grows with the corpus (Heaps' law)."""
        rng = self.rng
        first, second = rng.choice(MODIFIERS), rng.choice(MODIFIERS)
        head = rng.choice(self.vocab.heads)
        return first.rstrip("-") + second.rstrip("-").lower() + rng.choice(head.forms)[0]

    def sentences(self, n_words: int, names: list[str], places: list[str]) -> list[str]:
        """Sentences of 5-20 words totalling about ``n_words``, with names, places and
        numbers mixed in."""
        rng = self.rng
        words = self.words(n_words)
        inserts: list[str] = []
        for _ in range(max(1, n_words // 70)):
            inserts.append(rng.choice(places))
        for _ in range(n_words // 120):
            inserts.append(rng.choice(names))
        for _ in range(n_words // 90):
            inserts.append(_number(rng))
        for _ in range(n_words // 100 + (rng.random() < n_words % 100 / 100)):
            inserts.append(self.rare_word())
        for word in inserts:
            words[rng.randrange(len(words))] = word
        out: list[str] = []
        i = 0
        while i < len(words):
            length = rng.randint(5, 20)
            chunk = words[i : i + length]
            i += length
            if len(chunk) > 6 and rng.random() < 0.3:
                cut = rng.randrange(3, len(chunk) - 2)
                chunk[cut] += ","
            first = chunk[0]
            chunk[0] = first[:1].upper() + first[1:]
            out.append(" ".join(chunk) + ("." if rng.random() < 0.93 else "?"))
        return out


def _home_index(source_id: str, size: int) -> int:
    """Where a source's home town sits in its region's list (stable across processes)."""
    return zlib.crc32(source_id.encode("utf-8")) % size


def _number(rng: random.Random) -> str:
    kind = rng.random()
    if kind < 0.3:
        return str(rng.randint(2, 99))
    if kind < 0.5:
        return f"{rng.randint(2, 900)} miljoner kronor"
    if kind < 0.7:
        return f"{rng.randint(1, 80)} procent"
    if kind < 0.85:
        return str(rng.randint(2015, 2026))
    return f"{rng.randint(1, 28)} {rng.choice(MONTHS)}"


def _paragraphs(rng: random.Random, sentences: list[str]) -> str:
    out: list[str] = []
    i = 0
    while i < len(sentences):
        size = rng.randint(1, 4)
        out.append(" ".join(sentences[i : i + size]))
        i += size
    return "\n\n".join(out)


def _foreign(rng: random.Random, words: list[str], k: int) -> str:
    chosen = rng.choices(words, k=k)
    text = " ".join(chosen)
    return text[:1].upper() + text[1:] + "."


def generate_corpus(n: int, seed: int = 0) -> Iterator[Article]:
    """``n`` synthetic articles, one at a time (constant memory), the same ones for a seed.

    Args:
        n: how many articles.
        seed: corpus seed; the vocabulary and ``QUERY_MIX`` do not depend on it.

    Yields:
        Articles as the crawler would archive them (enriched, version 1).
    """
    rng = random.Random(seed)
    writer = _Writer(rng)
    for i in range(n):
        yield _article(writer, rng, i, seed)


def _article(writer: _Writer, rng: random.Random, i: int, seed: int) -> Article:
    source_id, source_name, domain, region_code, _ = rng.choices(
        SOURCES, cum_weights=writer.source_cum
    )[0]
    local = writer.by_region[region_code]
    # Zipf over the region's municipalities (the home town of a paper dominates).
    count = 1 if rng.random() < 0.8 else (2 if rng.random() < 0.75 else 0)
    municipalities: list[str] = []
    home = _home_index(source_id, len(local))
    for _ in range(count):
        index = min(int(rng.paretovariate(1.2)) - 1, len(local) - 1)
        name = local[(home + index) % len(local)].name
        if name not in municipalities:
            municipalities.append(name)
    regions = [writer.region_names[region_code]]
    places = [f"{m} kommun" if rng.random() < 0.3 else m for m in municipalities] or [regions[0]]
    places = [*places, *(m + "s" if not m.endswith("s") else m for m in municipalities)]
    muni = municipalities[0] if municipalities else regions[0]

    published = FIRST_DAY + timedelta(
        days=rng.randrange(DAYS), hours=rng.randint(5, 22), minutes=rng.randrange(60)
    )
    published = published.replace(tzinfo=STOCKHOLM)  # wall time in Stockholm, DST-aware
    language = "sv"
    roll = rng.random()
    if roll < 0.015:
        language = "en"
    elif roll < 0.02:
        language = "fi"

    story = rng.random()
    kinds: list[str] = []
    people: list[Person] = []
    names = [_person(rng) for _ in range(rng.randint(1, 3))]
    n_body = rng.randint(400, 800)
    extra: list[str] = []
    if language != "sv":
        vocab_words = ENGLISH if language == "en" else FINNISH
        title = _foreign(rng, vocab_words, rng.randint(5, 12))[:-1]
        lead = _foreign(rng, vocab_words, rng.randint(15, 35))
        body = "\n\n".join(_foreign(rng, vocab_words, 12) for _ in range(n_body // 12))
    else:
        if story < 0.15:  # personnel
            kinds.append("personnel")
            role = rng.choice(ROLES)
            change = rng.choice(ROLE_CHANGES)
            person = names[0]
            organisation = f"{muni} kommun"
            if rng.random() < 0.5:
                kinds.append("municipal")
            people.append(Person(person, roles=[role], organisation=organisation, change=change))
            title, extra = _personnel_text(rng, person, role, change, muni)
        elif story < 0.45:  # municipal
            kinds.append("municipal")
            title, extra = _municipal_text(writer, rng, muni)
            if rng.random() < 0.4:
                people.append(Person(names[0], roles=[rng.choice(("kommunalråd",
                    "oppositionsråd", "ordförande"))], organisation=f"{muni} kommun"))  # fmt: skip
        else:
            words = writer.words(rng.randint(5, 11), content=True)
            if rng.random() < 0.4:
                words.append(f"i {muni}" if rng.random() < 0.8 else f"på {muni}")
            title = " ".join(words)
        title_words = title.split()
        if len(title_words) < 5:
            title_words += writer.words(5 - len(title_words), content=True)
        title = " ".join(title_words[:12])
        title = title[:1].upper() + title[1:]
        lead_sentences = writer.sentences(rng.randint(15, 35), names, places)
        lead = " ".join(lead_sentences)
        body_sentences = writer.sentences(n_body - 12 * len(extra), names, places)
        for sentence in extra:
            body_sentences.insert(rng.randrange(len(body_sentences) + 1), sentence)
        body = _paragraphs(rng, body_sentences)

    section = "nyheter" if kinds else rng.choice(SECTIONS)
    slug = "-".join(w.strip(",.?").lower() for w in title.split()[:6])
    url = f"https://www.{domain}/{section}/{slug}-{seed}x{i}"
    wire = "TT" if rng.random() < 0.05 else None
    authors = ["TT"] if wire else [_person(rng) for _ in range(1 if rng.random() < 0.85 else 2)]
    fetched = published + timedelta(minutes=rng.randint(5, 600))
    return Article(
        url=url,
        canonical_url=url,
        source=source_id,
        source_name=source_name,
        title=title,
        lead=lead,
        body=body,
        authors=authors,
        published=published,
        updated=published + timedelta(hours=2) if rng.random() < 0.2 else None,
        date_source="jsonld" if rng.random() < 0.8 else "meta",
        language=language,
        language_score=round(rng.uniform(0.9, 1.0), 3),
        section=section,
        municipalities=municipalities,
        regions=regions,
        kinds=kinds,
        people=people,
        paywalled=rng.random() < 0.3,
        wire=wire,
        version=1,
        first_seen=fetched,
        last_seen=fetched,
        fetched_at=fetched,
    )


def _personnel_text(
    rng: random.Random, person: str, role: str, change: str, muni: str
) -> tuple[str, list[str]]:
    month = rng.choice(MONTHS)
    years = rng.randint(2, 30)
    title = {
        "appointed": f"{person} blir ny {role} i {muni}",
        "acting": f"{person} blir tillförordnad {role} i {muni} kommun",
        "leaving": f"{role.capitalize()} i {muni} lämnar sitt uppdrag efter {years} år",
        "resigned": f"{role.capitalize()} {person} säger upp sig",
        "retired": f"{person} går i pension efter {years} år som {role}",
        "new_job": f"{person} lämnar {muni} för nytt jobb",
    }[change]
    extra = [
        f"{person} tillträder som {role} den {rng.randint(1, 28)} {month}.",
        f"– Det ska bli spännande att ta mig an uppdraget, säger {person}.",
        f"{person} har arbetat i {muni} kommun i {years} år.",
        f"Rekryteringen av ny {role} i {muni} har pågått sedan i {month}.",
    ]
    return title, rng.sample(extra, rng.randint(2, 4))


def _municipal_text(writer: _Writer, rng: random.Random, muni: str) -> tuple[str, list[str]]:
    thing = rng.choice(writer.vocab.compounds).forms[0][0]
    amount = rng.randint(2, 400)
    year = rng.randint(2021, 2026)
    title = rng.choice(
        (
            f"Kommunfullmäktige i {muni} sa ja till {thing}",
            f"{muni} kommun satsar {amount} miljoner på {thing}",
            f"Budgeten för {year} klubbad i {muni}",
            f"Kommunstyrelsen i {muni} föreslår ny {thing}",
            f"Beslut om {thing} i {muni} överklagas",
            f"Underskott i {muni} kommuns budget",
        )
    )
    weekday = rng.choice(WEEKDAYS)
    extra = [
        f"Kommunfullmäktige i {muni} beslutade på {weekday} om {thing}.",
        f"Kommunstyrelsens ordförande i {muni} menar att beslutet är nödvändigt.",
        f"Kostnaden beräknas till {amount} miljoner kronor.",
        f"Oppositionen i {muni} kommun reserverade sig mot beslutet.",
    ]
    return title, rng.sample(extra, rng.randint(2, 4))


# --------------------------------------------------------------------------- queries


def _typo(rng: random.Random, word: str) -> str:
    """One edit (swap, drop, double, replace) inside a word of 6+ letters."""
    i = rng.randrange(1, len(word) - 2)
    kind = rng.randrange(4)
    if kind == 0:
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    if kind == 1:
        return word[:i] + word[i + 1 :]
    if kind == 2:
        return word[:i] + word[i] + word[i:]
    return word[:i] + rng.choice("aeiklnorst") + word[i + 1 :]


def _fold(word: str) -> str:
    return word.translate(str.maketrans("åäöÅÄÖé", "aaoAAOe"))


def _build_query_mix() -> tuple[list[tuple[str, dict[str, Any]]], list[str]]:
    rng = random.Random(VOCAB_SEED + 1)
    vocab = vocabulary()
    content = [lem for lem in vocab.lemmas[:1800] if lem.pos in ("noun", "verb", "adj")]
    common = content[:300]
    compounds = [lem for lem in vocab.lemmas[:2500] if lem.pos == "compound"]

    def base(pool: list[Lemma]) -> str:
        return rng.choice(pool).forms[0][0]

    def inflected(pool: list[Lemma]) -> str:
        lemma = rng.choice(pool)
        return rng.choice(lemma.forms[1:] or lemma.forms)[0]

    def words(k: int) -> str:
        out = [base(common) if rng.random() < 0.6 else base(content)]
        while len(out) < k:
            out.append(inflected(content) if rng.random() < 0.3 else base(content))
        return " ".join(dict.fromkeys(out))

    texts: list[tuple[str, str]] = []  # (text, kind)

    def add(kind: str, items: list[str]) -> None:
        texts.extend((text, kind) for text in items)

    add("1 word", [base(common) for _ in range(25)] + [base(content) for _ in range(15)])
    add("1 word, inflected", [inflected(content) for _ in range(20)])
    add("compound", [rng.choice(compounds).forms[rng.randrange(3)][0] for _ in range(6)])
    add("compound", ["kommunchef", "säkerhetssamordnare", "socialnämnden", "kommunstyrelsens"])
    add("2 words", [words(2) for _ in range(35)])
    add("3-4 words", [words(3) for _ in range(20)] + [words(4) for _ in range(10)])
    typos = []
    for _ in range(15):  # one word has a typo
        parts = words(rng.randint(1, 3)).split()
        target = rng.choice([i for i, w in enumerate(parts) if len(w) >= 6] or [0])
        if len(parts[target]) >= 6:
            parts[target] = _typo(rng, parts[target])
        typos.append(" ".join(parts))
    add("typo", typos)
    folded = ["sakerhetssamordnare", "forskolan", "aldreboende", "raddningstjansten"]
    add("typo", [*folded, "overklagande"])  # å ä ö typed as a a o
    phrases = ["ny kommunchef", "miljoner kronor", "kommunfullmäktige i", "går i pension",
               "kommunstyrelsens ordförande", "reserverade sig mot beslutet"]  # fmt: skip
    add("phrase", [f'"{phrase}"' for phrase in phrases])
    for _ in range(9):
        pair = words(2)
        add("phrase", [f'"{pair}"' if rng.random() < 0.5 else f'"{pair}" {base(common)}'])
    for _ in range(15):  # the last word still being typed
        prefix_of = base(content) if rng.random() < 0.5 else rng.choice(compounds).key
        cut = prefix_of[: max(3, len(prefix_of) - rng.randint(2, 5))]
        add("prefix", [f"{words(rng.randint(1, 2))} {cut}" if rng.random() < 0.5 else cut])
    for _ in range(10):
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        add("name", [f"{first} {last}" if rng.random() < 0.7 else last])
    munis = [m.name for m in _covered_municipalities()]
    add("place + word", [f"{rng.choice(munis)} {base(common)}" for _ in range(5)])

    mix: list[tuple[str, dict[str, Any]]] = []
    kinds: list[str] = []
    for text, kind in texts:
        kinds.append(kind)
        roll = rng.random()
        kwargs: dict[str, Any] = {}
        if roll < 0.5:
            pass
        elif roll < 0.6:
            kwargs["sources"] = (rng.choice(SOURCES)[0],)
        elif roll < 0.7:
            kwargs["municipalities"] = (rng.choice(munis),)
        elif roll < 0.8:
            start = date(rng.randint(2021, 2025), rng.choice((1, 4, 7, 10)), 1)
            span = rng.choice((30, 91, 182, 365))
            kwargs["date_from"], kwargs["date_to"] = start, start + timedelta(days=span - 1)
        elif roll < 0.9:
            kwargs["kinds"] = (rng.choice(("personnel", "municipal")),)
        else:
            kwargs["sources"] = (rng.choice(SOURCES)[0],)
            kwargs["date_from"] = date(rng.randint(2021, 2025), 1, 1)
        mix.append((text, kwargs))
    return mix, kinds


@cache
def _covered_municipalities() -> tuple[Municipality, ...]:
    """Municipalities the sources' home regions cover (so filters on them find articles)."""
    gazetteer = get_gazetteer()
    found: dict[str, Municipality] = {}
    for source_id, _name, _domain, code, _weight in SOURCES:
        local = gazetteer.municipalities_in(code)
        home = _home_index(source_id, len(local))
        for k in range(4):
            muni = local[(home + k) % len(local)]
            found.setdefault(muni.code, muni)
    return tuple(found.values())


QUERY_MIX: list[tuple[str, dict[str, Any]]]
QUERY_KINDS: list[str]
QUERY_MIX, QUERY_KINDS = _build_query_mix()
"""QUERY_MIX: ~200 fixed searches as (text, Query kwargs), see the module docstring;
QUERY_KINDS: what each one is ("1 word", "typo", "phrase", ...), in the same order."""


def _check() -> None:  # pragma: no cover - a quick look from the command line
    vocab = vocabulary()
    print(vocabulary_size(), len(QUERY_MIX))
    print(vocab.words[:40])
    for article in generate_corpus(2, seed=1):
        print(article.title, "|", article.lead[:200], "|", len(article.body))


if __name__ == "__main__":
    _check()
