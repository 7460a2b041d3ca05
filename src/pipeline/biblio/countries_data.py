"""Look-up tables for country detection, kept as plain data.

US state names are listed as US (a US address often ends with the state
and no country); "Georgia" is left out because it is also a country.

Each table is a block of text, one entry a line, parsed once at import time.
Edit the text, not the parsing code: analysts can add a variant they meet in
their own exports (for example a new spelling used by a database) by adding a
name to the right line. Names are matched case-insensitively, after the
address has been normalised (punctuation other than ``&``, ``'`` and ``-``
turned into spaces, runs of spaces collapsed).

``COUNTRY_NAMES``: ``ISO2|name|variant|...``. The first names are the ISO short
names; the variants are the spellings Web of Science, Scopus and PubMed use.
Multi-word names are matched as a whole before shorter tails, so
"New South Wales" (Australia) wins over "Wales" (United Kingdom).
"""

from __future__ import annotations

COUNTRY_NAMES = """
GB|United Kingdom|UK|U K|U.K.|Great Britain|Britain|England|Scotland|Wales|Northern Ireland|North Ireland|N Ireland|United Kingdom of Great Britain and Northern Ireland|Channel Islands
CN|China|Peoples R China|People's Republic of China|Peoples Republic of China|People's Republic China|P R China|P.R. China|PR China|PRC|P R C|Mainland China|China Mainland
HK|Hong Kong|Hong Kong SAR|Hong Kong China|HKSAR|Hongkong
MO|Macau|Macao|Macau SAR|Macao SAR|Macau China|Macao China
TW|Taiwan|Taiwan ROC|ROC|R O C|Taiwan R O C|Republic of China Taiwan|Chinese Taipei
US|United States|USA|U S A|U.S.A.|US|U S|United States of America|Alabama|Alaska|Arizona|Arkansas|California|Colorado|Connecticut|Delaware|District of Columbia|Florida|Hawaii|Idaho|Illinois|Indiana|Iowa|Kansas|Kentucky|Louisiana|Maine|Maryland|Massachusetts|Michigan|Minnesota|Mississippi|Missouri|Montana|Nebraska|Nevada|New Hampshire|New Jersey|New Mexico|New York|North Carolina|North Dakota|Ohio|Oklahoma|Oregon|Pennsylvania|Rhode Island|South Carolina|South Dakota|Tennessee|Texas|Utah|Vermont|Virginia|Washington|West Virginia|Wisconsin|Wyoming
AU|Australia|New South Wales|NSW|Queensland|Victoria|Tasmania
NZ|New Zealand
CA|Canada|Ontario|Quebec|British Columbia|Alberta|Manitoba|Nova Scotia|Saskatchewan|New Brunswick|Newfoundland
IE|Ireland|Irish Republic|Republic of Ireland|Eire
FR|France
DE|Germany|Deutschland|Fed Rep Ger|Federal Republic of Germany|West Germany|East Germany|Ger Dem Rep
IT|Italy
ES|Spain
PT|Portugal
NL|Netherlands|The Netherlands|Holland
BE|Belgium
LU|Luxembourg
CH|Switzerland
AT|Austria
DK|Denmark
SE|Sweden
NO|Norway
FI|Finland
IS|Iceland
PL|Poland
CZ|Czech Republic|Czechia
SK|Slovakia|Slovak Republic
HU|Hungary
SI|Slovenia
HR|Croatia
RS|Serbia
BA|Bosnia and Herzegovina|Bosnia & Herceg|Bosnia & Herzegovina
ME|Montenegro
MK|North Macedonia|Macedonia|Republic of North Macedonia
AL|Albania
BG|Bulgaria
RO|Romania
MD|Moldova|Republic of Moldova
UA|Ukraine
BY|Belarus
RU|Russia|Russian Federation|USSR
EE|Estonia
LV|Latvia
LT|Lithuania
GR|Greece
CY|Cyprus
MT|Malta
TR|Turkey|Turkiye|Türkiye
GE|Georgia Republic|Republic of Georgia
AM|Armenia
AZ|Azerbaijan
KZ|Kazakhstan
UZ|Uzbekistan
KG|Kyrgyzstan
TJ|Tajikistan
TM|Turkmenistan
MN|Mongolia
JP|Japan
KR|South Korea|Korea|Republic of Korea|Korea Republic|Korea Rep|Korea South
KP|North Korea|Democratic People's Republic of Korea|Dem People's Republic of Korea
SG|Singapore
MY|Malaysia
TH|Thailand
VN|Vietnam|Viet Nam
PH|Philippines
ID|Indonesia
KH|Cambodia
LA|Laos|Lao People's Democratic Republic
MM|Myanmar|Burma
BN|Brunei|Brunei Darussalam
IN|India
PK|Pakistan
BD|Bangladesh
LK|Sri Lanka
NP|Nepal
BT|Bhutan
AF|Afghanistan
IR|Iran|Islamic Republic of Iran
IQ|Iraq
SY|Syria|Syrian Arab Republic
LB|Lebanon
JO|Jordan
IL|Israel
PS|Palestine|State of Palestine
SA|Saudi Arabia
AE|United Arab Emirates|U Arab Emirates|UAE
QA|Qatar
KW|Kuwait
BH|Bahrain
OM|Oman
YE|Yemen
EG|Egypt
LY|Libya
TN|Tunisia
DZ|Algeria
MA|Morocco
SD|Sudan
ET|Ethiopia
KE|Kenya
UG|Uganda
TZ|Tanzania
RW|Rwanda
NG|Nigeria
GH|Ghana
SN|Senegal
CM|Cameroon
CI|Cote d'Ivoire|Cote Ivoire|Ivory Coast
ZA|South Africa
ZM|Zambia
ZW|Zimbabwe
MW|Malawi
MZ|Mozambique
BW|Botswana
NA|Namibia
MG|Madagascar
MU|Mauritius
BJ|Benin
BF|Burkina Faso
ML|Mali
NE|Niger
CD|Democratic Republic of the Congo|Dem Rep Congo|DR Congo
CG|Republic of the Congo|Rep Congo|Congo
GA|Gabon
MX|Mexico
GT|Guatemala
CR|Costa Rica
PA|Panama
CU|Cuba
JM|Jamaica
DO|Dominican Republic
PR|Puerto Rico
TT|Trinidad and Tobago|Trinidad Tobago
BR|Brazil|Brasil
AR|Argentina
CL|Chile
CO|Colombia
PE|Peru
VE|Venezuela
EC|Ecuador
BO|Bolivia
UY|Uruguay
PY|Paraguay
FJ|Fiji
PG|Papua New Guinea
"""

#: Two-letter US state (and DC/territory) codes as Web of Science and Scopus
#: write them before a ZIP code: "Ann Arbor, MI 48109 USA".
US_STATES = """
AL AK AZ AR CA CO CT DE DC FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH NJ NM
NY NC ND OH OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY
"""

#: UK towns, cities and institutions that identify a UK address that carries
#: no country word ("Imperial College, London"). Only unambiguous entries:
#: an entry is used only when no country was found anywhere in the address,
#: and never when a US state code follows it ("Cambridge, MA" is the US).
UK_PLACES = """
London
Cambridge
Oxford
Edinburgh
Glasgow
Manchester
Birmingham
Bristol
Leeds
Sheffield
Liverpool
Nottingham
Newcastle upon Tyne
Newcastle Upon Tyne
Southampton
Cardiff
Swansea
Aberdeen
Dundee
St Andrews
Belfast
Coventry
Leicester
Exeter
Norwich
Brighton
Lancaster
Durham
Guildford
Loughborough
Canterbury
Colchester
Uxbridge
Egham
Stirling
Aberystwyth
Bangor Gwynedd
Hinxton
Didcot
Harwell
Imperial College
Imperial Coll
University College London
UCL
Kings Coll London
King's College London
London School of Economics
Univ Oxford
University of Oxford
Univ Cambridge
University of Cambridge
Univ Edinburgh
University of Edinburgh
Wellcome Sanger Institute
"""

#: Places whose name is also a UK place but that are clearly elsewhere when the
#: next component says so; kept for documentation and tests.
NOT_UK_HINTS = """
London Ontario
London ON
Cambridge MA
Cambridge Massachusetts
"""
