"""The reference tables a synthetic estate is drawn from: regions, names, lines a county
or a district does not run, infrastructure software, suppliers, routes and hosting."""

from __future__ import annotations

import datetime as dt



#: the date synthetic dates are spread around (the start of a financial year)
DEFAULT_AS_OF = dt.date(2026, 4, 1)

REGIONS = ["North East", "North West", "Yorkshire and the Humber", "East Midlands",
           "West Midlands", "East of England", "London", "South East", "South West", "Wales"]
#: relative number of councils per region (roughly the English and Welsh shares)
REGION_WEIGHTS = [12, 39, 21, 39, 31, 47, 33, 68, 29, 22]

NAME_HEADS = ["North", "South", "East", "West", "Ash", "Oak", "Elm", "Wex", "Marl", "Bram",
              "Hal", "Kings", "Rother", "Sel", "Thorn", "Wood", "Bar", "Bright", "Clay", "Dun",
              "Fair", "Green", "Hart", "Long", "Mill", "Red", "Stan", "Stone", "Wold", "Alder",
              "Birch", "Cold", "Deep", "Fern", "Glen", "Holm", "Iron", "Lark", "Moor", "Pen",
              "Rush", "Salt", "Tarn", "Wil", "Yew", "Brack", "Chal", "Frog", "Heath", "Lyn"]
NAME_TAILS = ["brook", "ham", "vale", "ford", "bury", "ton", "field", "ley", "worth", "mouth",
              "wick", "combe", "stead", "by", "den", "minster", "port", "thorpe", "well", "dale",
              "mere", "hurst", "wood", "cester", "gate"]
TYPE_WEIGHTS = [("district", 40), ("unitary", 20), ("county", 7), ("metropolitan-district", 13),
                ("london-borough", 0)]

#: lines of business a county does not run / a district does not run
COUNTY_ONLY = {"adult-social-care-case-management", "adult-social-care-finance",
               "financial-assessments", "care-provider-payments", "telecare",
               "childrens-social-care", "early-help", "youth-justice", "fostering-adoption",
               "special-educational-needs", "school-admissions", "education-management",
               "free-school-meals", "home-to-school-transport", "early-years-funding",
               "school-attendance", "highways-asset-management", "street-works-permits",
               "street-lighting", "public-rights-of-way", "concessionary-travel",
               "library-management", "registration-services", "trading-standards",
               "museums-archives", "public-health-commissioning", "blue-badges",
               "pensions-administration"}
DISTRICT_ONLY = {"council-tax", "business-rates", "housing-benefit", "council-tax-support",
                 "discretionary-housing-payments", "housing-register-allocations",
                 "homelessness", "tenancy-management", "housing-repairs",
                 "housing-asset-management", "private-sector-housing",
                 "disabled-facilities-grants", "leasehold-management", "building-control",
                 "local-land-charges", "street-naming-numbering", "land-property-gazetteer",
                 "waste-collection", "trade-waste", "bulky-waste", "street-cleansing",
                 "environmental-health", "licensing", "pest-control", "parking-permits",
                 "electoral-registration", "bereavement-services", "leisure-bookings"}
#: lines whose systems most others depend on
HUB_LINES = ["financial-management", "land-property-gazetteer", "document-management",
             "identity-access-management", "payment-gateway", "gis-mapping",
             "customer-relationship-management", "income-management"]
#: lines a shared-service host runs for its partners
SHAREABLE = ["payroll", "hr-management", "it-service-management", "identity-access-management",
             "document-management", "gis-mapping", "pensions-administration"]

#: software every council runs but the shipped catalogue does not carry; the synthetic
#: catalogue adds it, as councils add their own (vendor id, name, aliases, sme, products)
INFRASTRUCTURE = [
    ("adobe", "Adobe", ["Adobe Systems", "Adobe Inc"], False,
     [("adobe-acrobat", "Adobe Acrobat Pro", ["Acrobat", "Acrobat Pro DC"]),
      ("adobe-creative-cloud", "Adobe Creative Cloud", ["Creative Cloud"])]),
    ("citrix", "Citrix", ["Citrix Systems", "Cloud Software Group"], False,
     [("citrix-virtual-apps", "Citrix Virtual Apps and Desktops", ["XenApp", "Citrix XenApp", "Citrix XenDesktop"])]),
    ("vmware", "VMware", ["VMware by Broadcom", "Broadcom"], False,
     [("vmware-vsphere", "VMware vSphere", ["vSphere", "ESXi"])]),
    ("veeam", "Veeam Software", ["Veeam"], False,
     [("veeam-backup", "Veeam Backup & Replication", ["Veeam Backup"])]),
    ("mimecast", "Mimecast", ["Mimecast Services"], False,
     [("mimecast-email-security", "Mimecast Email Security", ["Mimecast Email"])]),
    ("egress", "Egress Software Technologies", ["Egress"], True,
     [("egress-protect", "Egress Protect", ["Egress Switch"])]),
    ("sophos", "Sophos", ["Sophos Group"], False,
     [("sophos-central", "Sophos Central", ["Sophos Endpoint"])]),
    ("tungsten", "Tungsten Automation", ["Kofax", "Kofax UK"], False,
     [("kofax-capture", "Kofax Capture", ["Kofax", "Tungsten Capture"])]),
    ("atlassian", "Atlassian", ["Atlassian Corporation"], False,
     [("atlassian-jira", "Jira Software", ["Jira", "Atlassian Jira"]),
      ("atlassian-confluence", "Confluence", ["Atlassian Confluence"])]),
    ("docusign", "DocuSign", ["DocuSign UK"], False,
     [("docusign-esignature", "DocuSign eSignature", ["DocuSign"])]),
    ("zoom", "Zoom Video Communications", ["Zoom"], False,
     [("zoom-workplace", "Zoom Workplace", ["Zoom Meetings"])]),
    ("nuance", "Nuance Communications", ["Nuance"], False,
     [("nuance-dragon", "Dragon Professional", ["Dragon", "Dragon NaturallySpeaking"])]),
    ("civica-synth", "Civica Digital", ["Civica Digital Solutions"], False, []),
]
#: extra products of catalogue vendors that appear as infrastructure
VENDOR_INFRASTRUCTURE = [
    ("microsoft", "microsoft-sql-server", "Microsoft SQL Server", ["SQL Server", "MS SQL"]),
    ("microsoft", "microsoft-intune", "Microsoft Intune", ["Intune", "Endpoint Manager"]),
    ("microsoft", "microsoft-defender", "Microsoft Defender for Endpoint", ["Defender"]),
    ("sap", "sap-crystal-reports", "SAP Crystal Reports", ["Crystal Reports", "Crystal"]),
    ("esri-uk", "esri-arcgis-online", "ArcGIS Online", ["AGOL"]),
]
MODULES = ["Document Imaging", "Workflow", "Self-Service Portal", "Reporting", "Mobile Working",
           "Interface Hub", "Data Warehouse Extract", "Scanning", "Archive", "Test Environment",
           "Training Environment", "Web Services", "Batch Scheduler", "Print Bureau Interface"]
BESPOKE = [("Bespoke Access database", "In-house"), ("Bespoke build", "Developed in house"),
           ("In-house web application", "Internal development"),
           ("Bespoke Excel workbook", "In-house"), ("Custom built", "Council developed")]
BESPOKE_NAMES = ["Register", "Tracker", "Database", "Monitoring Tool", "Booking Log",
                 "Case Log", "Returns Workbook", "Inspection Log"]
LOCAL_SUPPLIER_HEADS = ["Pennine", "Severn", "Mercia", "Wessex", "Anglia", "Cheviot",
                        "Chiltern", "Fenland", "Solent", "Cotswold"]
LOCAL_SUPPLIER_TAILS = ["Data", "Digital", "Software", "Systems", "Computing", "IT"]
SERVICE_SUPPLIERS = ["computacenter", "softcat", "cgi", "sopra-steria", "agilisys", "bytes",
                     "amazon-web-services", "liberata", "allpay", "geoplace", "transunion"]
FRAMEWORKS = {"framework": ["RM6194 Back Office Software", "RM6259 Vertical Application Solutions",
                            "RM3821 Data and Application Solutions", "RM6098 Technology Products",
                            "RM6100 Technology Services 3", "ESPO 392", "YPO 000940"],
              "g-cloud": ["G-Cloud 12", "G-Cloud 13", "G-Cloud 14"]}
ROUTES = [("framework", 40), ("g-cloud", 20), ("open-tender", 15), ("direct-award", 15),
          ("other", 5), ("shared-service", 5)]
LEGAL = [" Ltd", " Limited", " UK Ltd", " UK Limited", " (UK) Limited", " plc", " Ltd.",
         " Group", " Services Ltd"]
NOT_COMPANIES = {"gds", "dft", "gro", "hm-land-registry", "cabinet-office", "qgis",
                 "localgov-drupal"}
HOSTING = [("on-premise", 30), ("hosted", 20), ("saas", 30), ("cloud", 12), ("hybrid", 5),
           ("unknown", 3)]
EXPORTS = ["csv", "xlsx", "xml", "json", "pdf", "fixed-width"]
STANDARDS = ["UPRN", "BS7666", "USRN", "OpenReferral", "OCDS", "HL7 FHIR", "GEMINI"]
VIAS = [("api", 35), ("file-transfer", 30), ("database-link", 15), ("sso", 12), ("manual", 5),
        ("other", 3)]
TYPE_NAMES = {"district": "{} District Council", "unitary": "{} Council",
              "county": "{} County Council", "metropolitan-district": "{} Metropolitan Borough Council",
              "london-borough": "London Borough of {}"}
