"""Word lists behind the demo people generator (`openpin.demo.people`).

Kept in code, not fetched: the demo and the benchmark must run offline and give the same people on
every machine. Company names are invented; universities are real public institutions.
"""

from __future__ import annotations

from dataclasses import dataclass

# Seniority levels in career order; the index is the "level" used by the title ladders below.
SENIORITIES: tuple[str, ...] = (
    "intern",
    "junior",
    "mid",
    "senior",
    "lead",
    "principal",
    "manager",
    "director",
    "executive",
)
# How often each level is someone's current level (a realistic pyramid, mid/senior heavy).
SENIORITY_WEIGHTS: tuple[int, ...] = (3, 12, 30, 28, 10, 4, 8, 4, 1)
# (min, max) years of experience for someone currently at each level.
YEARS_BY_LEVEL: tuple[tuple[int, int], ...] = (
    (0, 1),
    (0, 2),
    (2, 5),
    (5, 10),
    (7, 12),
    (10, 18),
    (7, 15),
    (10, 20),
    (15, 25),
)

_DEFAULT_LADDER = (
    "{b} Intern",
    "Junior {b}",
    "{b}",
    "Senior {b}",
    "Lead {b}",
    "Principal {b}",
)


@dataclass(frozen=True)
class Field:
    """One line of work: title bases, a ladder of title templates per level, skills, studies."""

    key: str
    label: str
    bases: tuple[str, ...]
    management: tuple[str, str, str]  # manager, director, executive titles
    skills: tuple[str, ...]
    studies: tuple[str, ...]
    degrees: tuple[str, ...]
    company_kinds: tuple[str, ...]
    ladder: tuple[str, ...] = _DEFAULT_LADDER

    def title(self, level: int, base: str) -> str:
        if level >= len(self.ladder):
            return self.management[level - len(self.ladder)]
        return self.ladder[level].format(b=base)


FIELDS: tuple[Field, ...] = (
    Field(
        "software",
        "software engineering",
        (
            "Software Engineer",
            "Backend Engineer",
            "Frontend Engineer",
            "Full Stack Developer",
            "Mobile Developer",
            "DevOps Engineer",
            "Site Reliability Engineer",
            "QA Engineer",
        ),
        ("Engineering Manager", "Director of Engineering", "VP of Engineering"),
        (
            "Python",
            "Java",
            "Go",
            "TypeScript",
            "JavaScript",
            "React",
            "Node.js",
            "Kotlin",
            "Swift",
            "C#",
            "Rust",
            "PostgreSQL",
            "Kubernetes",
            "Docker",
            "AWS",
            "GCP",
            "Terraform",
            "CI/CD",
            "Microservices",
            "REST APIs",
            "GraphQL",
            "Django",
            "Spring Boot",
            "Linux",
            "System Design",
        ),
        ("Computer Science", "Software Engineering", "Computer Engineering", "Mathematics"),
        ("BSc", "MSc", "BEng", "MEng"),
        ("Labs", "Software", "Technologies", "Cloud", "Systems"),
    ),
    Field(
        "data",
        "data and analytics",
        (
            "Data Scientist",
            "Data Analyst",
            "Data Engineer",
            "Machine Learning Engineer",
            "Analytics Engineer",
        ),
        ("Data Science Manager", "Director of Data", "Chief Data Officer"),
        (
            "Python",
            "SQL",
            "pandas",
            "NumPy",
            "scikit-learn",
            "PyTorch",
            "TensorFlow",
            "Spark",
            "Airflow",
            "dbt",
            "Snowflake",
            "BigQuery",
            "Tableau",
            "Looker",
            "Statistics",
            "A/B Testing",
            "Machine Learning",
            "NLP",
            "Data Modeling",
            "ETL",
            "R",
        ),
        ("Statistics", "Computer Science", "Mathematics", "Physics", "Data Science", "Economics"),
        ("BSc", "MSc", "PhD"),
        ("Analytics", "Data", "AI", "Insights"),
    ),
    Field(
        "design",
        "product design",
        ("Product Designer", "UX Designer", "UI Designer", "UX Researcher", "Visual Designer"),
        ("Design Manager", "Director of Design", "VP of Design"),
        (
            "Figma",
            "Sketch",
            "Prototyping",
            "User Research",
            "Usability Testing",
            "Interaction Design",
            "Design Systems",
            "Wireframing",
            "Adobe Illustrator",
            "Adobe Photoshop",
            "Accessibility",
            "Information Architecture",
            "Visual Design",
            "Motion Design",
        ),
        ("Graphic Design", "Human-Computer Interaction", "Interaction Design", "Fine Arts"),
        ("BA", "BFA", "MA", "MDes"),
        ("Studio", "Digital", "Interactive", "Creative"),
    ),
    Field(
        "product",
        "product management",
        ("Product Manager", "Technical Product Manager", "Product Owner"),
        ("Group Product Manager", "Director of Product", "VP of Product"),
        (
            "Product Strategy",
            "Roadmapping",
            "Agile",
            "Scrum",
            "User Stories",
            "Jira",
            "Stakeholder Management",
            "A/B Testing",
            "SQL",
            "Product Analytics",
            "Go-to-Market",
            "Customer Discovery",
            "OKRs",
            "Amplitude",
        ),
        ("Business Administration", "Computer Science", "Economics", "Engineering"),
        ("BSc", "BA", "MBA"),
        ("Software", "Platforms", "Digital", "Apps"),
        ("Associate {b}", "Junior {b}", "{b}", "Senior {b}", "Lead {b}", "Principal {b}"),
    ),
    Field(
        "sales",
        "sales",
        (
            "Account Executive",
            "Account Manager",
            "Sales Engineer",
            "Business Development Representative",
            "Customer Success Manager",
        ),
        ("Sales Manager", "Director of Sales", "VP of Sales"),
        (
            "B2B Sales",
            "SaaS Sales",
            "Salesforce",
            "HubSpot",
            "Prospecting",
            "Negotiation",
            "Account Management",
            "Pipeline Management",
            "Cold Calling",
            "Enterprise Sales",
            "Solution Selling",
            "MEDDIC",
            "Forecasting",
            "CRM",
        ),
        ("Business Administration", "Marketing", "Communications", "Economics"),
        ("BA", "BSc", "MBA"),
        ("Group", "Solutions", "Software", "Networks"),
    ),
    Field(
        "marketing",
        "marketing",
        (
            "Marketing Specialist",
            "Content Marketer",
            "Growth Marketer",
            "SEO Specialist",
            "Product Marketing Manager",
            "Brand Manager",
        ),
        ("Marketing Manager", "Director of Marketing", "Chief Marketing Officer"),
        (
            "SEO",
            "SEM",
            "Google Analytics",
            "Content Strategy",
            "Copywriting",
            "Email Marketing",
            "Marketing Automation",
            "HubSpot",
            "Social Media",
            "Brand Strategy",
            "Paid Acquisition",
            "Demand Generation",
            "Market Research",
            "Positioning",
        ),
        ("Marketing", "Communications", "Journalism", "Business Administration"),
        ("BA", "BSc", "MA", "MBA"),
        ("Media", "Brands", "Digital", "Group"),
    ),
    Field(
        "finance",
        "finance and accounting",
        ("Financial Analyst", "Accountant", "FP&A Analyst", "Auditor", "Tax Associate"),
        ("Finance Manager", "Finance Director", "Chief Financial Officer"),
        (
            "Financial Modeling",
            "Excel",
            "Budgeting",
            "Forecasting",
            "IFRS",
            "US GAAP",
            "Audit",
            "Tax",
            "SAP",
            "NetSuite",
            "Valuation",
            "Variance Analysis",
            "Month-End Close",
            "Power BI",
        ),
        ("Finance", "Accounting", "Economics", "Business Administration"),
        ("BSc", "BA", "MSc", "MBA"),
        ("Capital", "Partners", "Financial", "Advisory"),
    ),
    Field(
        "nursing",
        "healthcare and nursing",
        (
            "Registered Nurse",
            "ICU Nurse",
            "Pediatric Nurse",
            "Emergency Room Nurse",
            "Operating Room Nurse",
        ),
        ("Nurse Manager", "Director of Nursing", "Chief Nursing Officer"),
        (
            "Patient Care",
            "Critical Care",
            "BLS",
            "ACLS",
            "PALS",
            "Medication Administration",
            "Electronic Health Records",
            "Epic",
            "Triage",
            "Wound Care",
            "Infection Control",
            "Patient Education",
            "IV Therapy",
            "Care Planning",
        ),
        ("Nursing", "Health Sciences", "Public Health"),
        ("BSN", "MSN", "BSc"),
        ("Health", "Medical Center", "Hospital", "Clinic"),
        (
            "Student Nurse",
            "Graduate Nurse",
            "{b}",
            "Senior {b}",
            "Charge Nurse",
            "Clinical Nurse Specialist",
        ),
    ),
    Field(
        "operations",
        "operations and supply chain",
        (
            "Operations Analyst",
            "Operations Coordinator",
            "Supply Chain Analyst",
            "Logistics Coordinator",
            "Project Manager",
        ),
        ("Operations Manager", "Director of Operations", "Chief Operating Officer"),
        (
            "Supply Chain",
            "Logistics",
            "Lean",
            "Six Sigma",
            "Process Improvement",
            "Procurement",
            "Inventory Management",
            "ERP",
            "SAP",
            "Vendor Management",
            "Project Management",
            "Excel",
            "Forecasting",
            "Operations Planning",
        ),
        ("Operations Management", "Industrial Engineering", "Business Administration"),
        ("BSc", "BA", "MBA"),
        ("Logistics", "Freight", "Supply", "Industries"),
    ),
    Field(
        "people",
        "HR and recruiting",
        (
            "Recruiter",
            "Technical Recruiter",
            "HR Generalist",
            "People Partner",
            "Talent Acquisition Specialist",
        ),
        ("Talent Acquisition Manager", "Director of People", "Chief People Officer"),
        (
            "Recruiting",
            "Sourcing",
            "Interviewing",
            "Employer Branding",
            "Onboarding",
            "Employee Relations",
            "Compensation",
            "HRIS",
            "Workday",
            "Greenhouse",
            "Boolean Search",
            "Talent Management",
            "Performance Management",
            "Labor Law",
        ),
        ("Human Resources", "Psychology", "Business Administration", "Sociology"),
        ("BA", "BSc", "MA"),
        ("Talent", "People", "Staffing", "Group"),
    ),
    Field(
        "legal",
        "legal",
        ("Legal Counsel", "Corporate Counsel", "Privacy Counsel", "Compliance Analyst"),
        ("Head of Legal", "Director of Legal", "General Counsel"),
        (
            "Contract Negotiation",
            "Commercial Contracts",
            "Corporate Law",
            "GDPR",
            "Data Privacy",
            "Compliance",
            "Intellectual Property",
            "Employment Law",
            "Litigation",
            "Mergers & Acquisitions",
            "Legal Research",
            "Regulatory Affairs",
        ),
        ("Law",),
        ("LLB", "JD", "LLM"),
        ("LLP", "Legal", "Law Group", "Partners"),
        ("Legal Intern", "Paralegal", "{b}", "Senior {b}", "Lead {b}", "Principal {b}"),
    ),
    Field(
        "mechanical",
        "mechanical engineering",
        (
            "Mechanical Engineer",
            "Design Engineer",
            "Manufacturing Engineer",
            "Product Development Engineer",
        ),
        ("Engineering Manager", "Director of Engineering", "VP of Engineering"),
        (
            "SolidWorks",
            "AutoCAD",
            "CATIA",
            "FEA",
            "ANSYS",
            "GD&T",
            "CAD",
            "DFM",
            "Thermodynamics",
            "Prototyping",
            "MATLAB",
            "Root Cause Analysis",
            "Injection Molding",
            "Lean Manufacturing",
        ),
        ("Mechanical Engineering", "Aerospace Engineering", "Manufacturing Engineering"),
        ("BEng", "MEng", "BSc", "MSc"),
        ("Manufacturing", "Industries", "Dynamics", "Robotics"),
    ),
    Field(
        "electrical",
        "electrical engineering",
        (
            "Electrical Engineer",
            "Embedded Systems Engineer",
            "Hardware Engineer",
            "Controls Engineer",
            "Power Systems Engineer",
        ),
        ("Engineering Manager", "Director of Engineering", "VP of Engineering"),
        (
            "Circuit Design",
            "PCB Design",
            "Altium",
            "Embedded C",
            "FPGA",
            "Verilog",
            "MATLAB",
            "Simulink",
            "PLC",
            "Power Electronics",
            "Signal Processing",
            "Microcontrollers",
            "Oscilloscope",
            "IEC 61131",
        ),
        ("Electrical Engineering", "Electronic Engineering", "Mechatronics"),
        ("BEng", "MEng", "BSc", "MSc"),
        ("Electronics", "Energy", "Semiconductors", "Power"),
    ),
)
# Relative frequency of each field above (software and data are over-represented on purpose).
FIELD_WEIGHTS: tuple[int, ...] = (22, 10, 6, 7, 10, 8, 7, 8, 6, 6, 3, 4, 3)

# Invented company names are made of a stem and a kind ("Northwind Analytics").
COMPANY_STEMS: tuple[str, ...] = (
    "Northwind",
    "Bluepeak",
    "Brightline",
    "Cedar",
    "Harbor",
    "Ironwood",
    "Lumen",
    "Meridian",
    "Nimbus",
    "Oakridge",
    "Pinecrest",
    "Quantum Leaf",
    "Redwood",
    "Silverline",
    "Summit",
    "Tidewater",
    "Vertex",
    "Willow",
    "Atlas",
    "Beacon",
    "Copperfield",
    "Evergreen",
    "Foxglove",
    "Granite",
    "Helix",
    "Kestrel",
    "Larkspur",
    "Mosaic",
    "Orbital",
    "Polaris",
    "Riverstone",
    "Sable",
    "Tandem",
    "Upland",
    "Vantage",
    "Zephyr",
)


@dataclass(frozen=True)
class City:
    name: str
    region: str
    # Phone shapes valid for this place: (prefix, number of random digits, first digit floor).
    phones: tuple[tuple[str, int, int], ...]


@dataclass(frozen=True)
class Country:
    code: str
    weight: int
    names: str  # key into FIRST_NAMES / LAST_NAMES
    cities: tuple[City, ...]
    schools: tuple[str, ...]


def _us(city: str, region: str, *area_codes: str) -> City:
    # North American numbers: area code, then an exchange starting 2-9, then 4 digits.
    return City(city, region, tuple((f"+1{a}", 7, 2) for a in area_codes))


# Mobile ranges that libphonenumber accepts in full (checked by tests/demo/test_people.py).
_FR_MOBILE = tuple((f"+336{d}", 7, 0) for d in "1245678")
_NL_MOBILE = tuple((f"+316{d}", 7, 0) for d in "12345")
_AU_MOBILE = tuple((f"+614{d}", 7, 0) for d in "01236")

COUNTRIES: tuple[Country, ...] = (
    Country(
        "US",
        35,
        "en",
        (
            _us("San Francisco", "CA", "415", "628"),
            _us("New York", "NY", "212", "646", "917"),
            _us("Seattle", "WA", "206"),
            _us("Austin", "TX", "512"),
            _us("Boston", "MA", "617"),
            _us("Chicago", "IL", "312", "773"),
            _us("Denver", "CO", "303", "720"),
            _us("Atlanta", "GA", "404", "678"),
            _us("Los Angeles", "CA", "213", "310"),
            _us("Miami", "FL", "305"),
            _us("Raleigh", "NC", "919"),
            _us("Minneapolis", "MN", "612"),
        ),
        (
            "University of California, Berkeley",
            "University of Michigan",
            "Georgia Institute of Technology",
            "University of Texas at Austin",
            "Ohio State University",
            "University of Washington",
            "Purdue University",
            "University of Illinois Urbana-Champaign",
            "Arizona State University",
            "Pennsylvania State University",
        ),
    ),
    Country(
        "GB",
        12,
        "en",
        (
            City("London", "England", (("+447400", 6, 0), ("+44207", 7, 0), ("+44208", 7, 0))),
            City("Manchester", "England", (("+447900", 6, 0), ("+44161", 7, 2))),
            City("Edinburgh", "Scotland", (("+447812", 6, 1), ("+441314", 6, 0))),
            City("Bristol", "England", (("+447723", 6, 1), ("+441179", 6, 0))),
            City("Cambridge", "England", (("+447840", 6, 1), ("+441223", 6, 2))),
        ),
        (
            "University of Manchester",
            "University College London",
            "University of Edinburgh",
            "University of Bristol",
            "King's College London",
            "University of Leeds",
        ),
    ),
    Country(
        "DE",
        9,
        "de",
        (
            City("Berlin", "Berlin", (("+49151", 8, 1), ("+4930", 8, 2))),
            City("Munich", "Bavaria", (("+49160", 7, 1), ("+4989", 8, 2))),
            City("Hamburg", "Hamburg", (("+49172", 7, 1), ("+4940", 8, 2))),
            City("Frankfurt", "Hesse", (("+49176", 8, 1), ("+4969", 8, 2))),
            City("Cologne", "North Rhine-Westphalia", (("+49157", 8, 1),)),
        ),
        (
            "Technische Universität München",
            "Humboldt-Universität zu Berlin",
            "RWTH Aachen University",
            "Universität Hamburg",
            "Karlsruher Institut für Technologie",
        ),
    ),
    Country(
        "FR",
        7,
        "fr",
        (
            City("Paris", "Île-de-France", (*_FR_MOBILE, ("+331", 8, 4))),
            City("Lyon", "Auvergne-Rhône-Alpes", (*_FR_MOBILE, ("+334", 8, 7))),
            City("Toulouse", "Occitanie", (("+337", 8, 5), ("+3356", 7, 0))),
            City("Nantes", "Pays de la Loire", _FR_MOBILE),
        ),
        (
            "Sorbonne Université",
            "Université Paris-Saclay",
            "Université de Lyon",
            "Université Toulouse Capitole",
            "École Polytechnique",
        ),
    ),
    Country(
        "CA",
        7,
        "en",
        (
            _us("Toronto", "ON", "416", "647"),
            _us("Vancouver", "BC", "604", "778"),
            _us("Montreal", "QC", "514", "438"),
            _us("Calgary", "AB", "403", "587"),
            _us("Ottawa", "ON", "613"),
        ),
        (
            "University of Toronto",
            "University of British Columbia",
            "McGill University",
            "University of Waterloo",
            "University of Alberta",
        ),
    ),
    Country(
        "IN",
        10,
        "in",
        (
            City("Bengaluru", "Karnataka", (("+9198", 8, 0), ("+9199", 8, 0))),
            City("Hyderabad", "Telangana", (("+9190", 8, 0), ("+9197", 8, 0))),
            City("Pune", "Maharashtra", (("+9198", 8, 0), ("+9181", 8, 0))),
            City("Chennai", "Tamil Nadu", (("+9194", 8, 0),)),
            City("Gurugram", "Haryana", (("+9199", 8, 0),)),
        ),
        (
            "Indian Institute of Technology Bombay",
            "Indian Institute of Technology Delhi",
            "University of Delhi",
            "Anna University",
            "Vellore Institute of Technology",
            "University of Mumbai",
        ),
    ),
    Country(
        "NL",
        5,
        "nl",
        (
            City("Amsterdam", "North Holland", (*_NL_MOBILE, ("+3120", 7, 2))),
            City("Rotterdam", "South Holland", (*_NL_MOBILE, ("+3110", 7, 2))),
            City("Utrecht", "Utrecht", _NL_MOBILE),
            City("Eindhoven", "North Brabant", _NL_MOBILE),
        ),
        (
            "University of Amsterdam",
            "Delft University of Technology",
            "Utrecht University",
            "Eindhoven University of Technology",
            "Erasmus University Rotterdam",
        ),
    ),
    Country(
        "ES",
        5,
        "es",
        (
            City("Madrid", "Community of Madrid", (("+346", 8, 0), ("+3491", 7, 2))),
            City("Barcelona", "Catalonia", (("+346", 8, 0), ("+3493", 7, 2))),
            City("Valencia", "Valencian Community", (("+346", 8, 0),)),
            City("Seville", "Andalusia", (("+346", 8, 0),)),
        ),
        (
            "Universidad Complutense de Madrid",
            "Universitat de Barcelona",
            "Universidad Politécnica de Madrid",
            "Universitat Politècnica de València",
        ),
    ),
    Country(
        "AU",
        5,
        "en",
        (
            City("Sydney", "NSW", (*_AU_MOBILE, ("+612", 8, 8))),
            City("Melbourne", "VIC", (*_AU_MOBILE, ("+613", 8, 8))),
            City("Brisbane", "QLD", _AU_MOBILE),
            City("Perth", "WA", _AU_MOBILE),
        ),
        (
            "University of Melbourne",
            "University of Sydney",
            "University of New South Wales",
            "Monash University",
            "University of Queensland",
        ),
    ),
    Country(
        "BR",
        5,
        "pt",
        (
            City("São Paulo", "SP", (("+55119", 8, 6),)),
            City("Rio de Janeiro", "RJ", (("+55219", 8, 6),)),
            City("Belo Horizonte", "MG", (("+55319", 8, 6),)),
            City("Curitiba", "PR", (("+55419", 8, 6),)),
            City("Porto Alegre", "RS", (("+55519", 8, 6),)),
        ),
        (
            "Universidade de São Paulo",
            "Universidade Estadual de Campinas",
            "Universidade Federal do Rio de Janeiro",
            "Universidade Federal de Minas Gerais",
        ),
    ),
)

FIRST_NAMES: dict[str, tuple[str, ...]] = {
    "en": (
        "James", "Olivia", "Liam", "Emma", "Noah", "Ava", "William", "Sophia", "Ethan", "Mia",
        "Benjamin", "Charlotte", "Lucas", "Amelia", "Henry", "Harper", "Alexander", "Evelyn",
        "Daniel", "Abigail", "Michael", "Emily", "Jacob", "Elizabeth", "Samuel", "Sofia",
        "David", "Grace", "Joseph", "Chloe", "Matthew", "Zoë", "Ryan", "Hannah", "Nathan",
        "Lily", "Aaron", "Priya", "Kevin", "Mei", "Jamal", "Aisha", "Carlos", "Maria", "Wei",
        "Fatima", "Connor", "Siobhan", "Oliver", "Isla",
    ),
    "de": (
        "Lukas", "Anna", "Leon", "Lena", "Finn", "Laura", "Jonas", "Julia", "Paul", "Sarah",
        "Felix", "Lea", "Maximilian", "Hannah", "Tobias", "Katharina", "Jürgen", "Sophie",
        "Niklas", "Marie", "Moritz", "Johanna", "Florian", "Franziska", "Stefan", "Sabine",
    ),
    "fr": (
        "Louis", "Camille", "Gabriel", "Léa", "Hugo", "Manon", "Arthur", "Chloé", "Jules",
        "Inès", "Raphaël", "Sarah", "Théo", "Juliette", "Antoine", "Émilie", "Nicolas",
        "Claire", "Maxime", "Pauline", "François", "Mathilde", "Julien", "Céline",
    ),
    "in": (
        "Aarav", "Priya", "Vivaan", "Ananya", "Aditya", "Diya", "Arjun", "Isha", "Rohan",
        "Kavya", "Rahul", "Sneha", "Vikram", "Pooja", "Karthik", "Meera", "Siddharth",
        "Neha", "Amit", "Divya", "Rajesh", "Lakshmi", "Sanjay", "Anjali",
    ),
    "nl": (
        "Daan", "Emma", "Sem", "Julia", "Lucas", "Tess", "Levi", "Sophie", "Bram", "Fleur",
        "Jesse", "Anouk", "Thijs", "Lotte", "Ruben", "Sanne", "Joris", "Femke", "Pieter",
        "Maaike",
    ),
    "es": (
        "Alejandro", "Lucía", "Pablo", "María", "Daniel", "Paula", "Javier", "Elena",
        "Sergio", "Laura", "Adrián", "Carmen", "Diego", "Marta", "Álvaro", "Sara", "Iván",
        "Cristina", "Jorge", "Nuria",
    ),
    "pt": (
        "João", "Ana", "Pedro", "Mariana", "Lucas", "Beatriz", "Gabriel", "Juliana",
        "Rafael", "Camila", "Mateus", "Larissa", "Gustavo", "Fernanda", "Thiago", "Letícia",
        "Bruno", "Carolina", "Felipe", "Luana",
    ),
}  # fmt: skip

LAST_NAMES: dict[str, tuple[str, ...]] = {
    "en": (
        "Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis",
        "Rodriguez", "Martinez", "Wilson", "Anderson", "Taylor", "Thomas", "Moore", "Jackson",
        "Martin", "Lee", "Thompson", "White", "Harris", "Clark", "Lewis", "Walker", "Hall",
        "Young", "King", "Wright", "Scott", "Green", "Baker", "Adams", "Nguyen", "Patel",
        "Kim", "Chen", "O'Brien", "Murphy", "Kelly", "Evans", "Roberts", "Hughes",
        "MacDonald", "Campbell", "Singh", "Okafor", "Cohen", "Fischer", "Rossi", "Novak",
    ),
    "de": (
        "Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker",
        "Schulz", "Hoffmann", "Schäfer", "Koch", "Bauer", "Richter", "Klein", "Wolf",
        "Schröder", "Neumann", "Schwarz", "Zimmermann", "Braun", "Krüger", "Hartmann",
        "Lange",
    ),
    "fr": (
        "Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand",
        "Leroy", "Moreau", "Simon", "Laurent", "Lefèvre", "Michel", "Garcia", "David",
        "Bertrand", "Roux", "Vincent", "Fournier", "Morel", "Girard", "André", "Mercier",
    ),
    "in": (
        "Sharma", "Verma", "Gupta", "Patel", "Reddy", "Iyer", "Nair", "Kumar", "Singh",
        "Rao", "Menon", "Joshi", "Mehta", "Kapoor", "Chatterjee", "Banerjee", "Desai",
        "Pillai", "Agarwal", "Krishnan",
    ),
    "nl": (
        "de Jong", "Jansen", "de Vries", "van den Berg", "van Dijk", "Bakker", "Janssen",
        "Visser", "Smit", "Meijer", "de Boer", "Mulder", "de Groot", "Bos", "Vos", "Peters",
        "Hendriks", "van Leeuwen", "Dekker", "Brouwer",
    ),
    "es": (
        "García", "Fernández", "González", "Rodríguez", "López", "Martínez", "Sánchez",
        "Pérez", "Gómez", "Martín", "Jiménez", "Ruiz", "Hernández", "Díaz", "Moreno",
        "Muñoz", "Álvarez", "Romero", "Navarro", "Torres",
    ),
    "pt": (
        "Silva", "Santos", "Oliveira", "Souza", "Rodrigues", "Ferreira", "Alves", "Pereira",
        "Lima", "Gomes", "Costa", "Ribeiro", "Martins", "Carvalho", "Almeida", "Lopes",
        "Soares", "Fernandes", "Vieira", "Barbosa",
    ),
}  # fmt: skip

# Domains reserved for documentation (RFC 2606), so a demo outreach can never reach a real inbox.
EMAIL_DOMAINS: tuple[str, ...] = ("example.com", "example.org", "example.net")
