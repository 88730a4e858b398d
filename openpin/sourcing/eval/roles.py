"""The lines of work of the sourcing evaluation set: how people in each one describe themselves.

Each role lists the titles people use for the same work (a search for "Backend Engineer" should
find a "Server-side Developer"), its skills with the other spellings seen on real profiles, and
sentences that describe the work without naming the title. `related` roles share the field.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Role:
    key: str
    field: str
    titles: tuple[str, ...]  # the first is the canonical title a job uses
    skills: dict[str, tuple[str, ...]]  # canonical skill -> other spellings on profiles
    work: tuple[str, ...]  # what the work is, in plain sentences
    related: tuple[str, ...] = ()


ROLES: tuple[Role, ...] = (
    Role(
        "backend",
        "software",
        ("Backend Engineer", "Server-side Developer", "API Developer", "Platform Engineer"),
        {
            "Python": ("Python 3",),
            "PostgreSQL": ("Postgres", "PostgreSQL databases"),
            "REST APIs": ("RESTful services", "HTTP APIs"),
            "Kubernetes": ("k8s",),
            "Go": ("Golang",),
            "Docker": ("containers",),
            "Kafka": ("event streaming with Kafka",),
        },
        (
            "Builds and runs the services and APIs behind web products.",
            "Designs database schemas and keeps services fast under load.",
            "Owns server-side code from design to production on call.",
        ),
        ("frontend", "devops"),
    ),
    Role(
        "frontend",
        "software",
        ("Frontend Engineer", "UI Developer", "Web Developer", "JavaScript Developer"),
        {
            "React": ("React.js", "ReactJS"),
            "TypeScript": ("TS",),
            "CSS": ("Sass", "stylesheets"),
            "Accessibility": ("a11y", "WCAG"),
            "Next.js": ("NextJS",),
            "GraphQL": ("Apollo GraphQL",),
        },
        (
            "Builds fast, accessible interfaces that people use every day in the browser.",
            "Turns designs into responsive web pages and reusable components.",
        ),
        ("backend", "designer"),
    ),
    Role(
        "devops",
        "software",
        (
            "DevOps Engineer",
            "Site Reliability Engineer",
            "Infrastructure Engineer",
            "Cloud Engineer",
        ),
        {
            "Kubernetes": ("k8s",),
            "Terraform": ("infrastructure as code",),
            "AWS": ("Amazon Web Services",),
            "CI/CD": ("continuous delivery pipelines",),
            "Linux": ("GNU/Linux",),
            "Prometheus": ("monitoring with Prometheus",),
        },
        (
            "Keeps production reliable: deployments, monitoring, incident response.",
            "Automates cloud infrastructure and the release pipeline.",
        ),
        ("backend",),
    ),
    Role(
        "data_scientist",
        "data",
        (
            "Data Scientist",
            "Machine Learning Scientist",
            "Applied Scientist",
            "Quantitative Analyst",
        ),
        {
            "Python": ("Python 3",),
            "Machine Learning": ("ML", "predictive modelling"),
            "Statistics": ("statistical modelling",),
            "PyTorch": ("Torch",),
            "SQL": ("SQL queries",),
            "NLP": ("natural language processing",),
        },
        (
            "Builds predictive models and runs experiments to guide product decisions.",
            "Turns messy data into models that ship to production.",
        ),
        ("data_analyst",),
    ),
    Role(
        "data_analyst",
        "data",
        ("Data Analyst", "Business Intelligence Analyst", "Reporting Analyst", "Insights Analyst"),
        {
            "SQL": ("SQL queries",),
            "Tableau": ("Tableau dashboards",),
            "Excel": ("spreadsheets", "Microsoft Excel"),
            "Power BI": ("PowerBI",),
            "A/B Testing": ("experimentation",),
            "Looker": ("LookML",),
        },
        (
            "Builds dashboards and reports that leadership uses to make decisions.",
            "Defines metrics and answers business questions with data.",
        ),
        ("data_scientist",),
    ),
    Role(
        "designer",
        "design",
        ("Product Designer", "UX Designer", "Interaction Designer", "UX/UI Designer"),
        {
            "Figma": ("Figma prototypes",),
            "User Research": ("UX research", "user interviews"),
            "Prototyping": ("interactive prototypes",),
            "Design Systems": ("component libraries",),
            "Usability Testing": ("usability studies",),
        },
        (
            "Designs how products work and look, from research to polished screens.",
            "Runs interviews with users and turns findings into flows and prototypes.",
        ),
        ("frontend", "product_manager"),
    ),
    Role(
        "product_manager",
        "product",
        ("Product Manager", "Product Owner", "Technical Product Manager", "Product Lead"),
        {
            "Roadmapping": ("product roadmaps",),
            "Stakeholder Management": ("stakeholder alignment",),
            "Product Strategy": ("product vision",),
            "Agile": ("Scrum",),
            "Product Analytics": ("Amplitude", "Mixpanel"),
        },
        (
            "Decides what the team builds next and why, with customers and engineers.",
            "Owns a product area's goals, roadmap and launches.",
        ),
        ("designer",),
    ),
    Role(
        "account_executive",
        "sales",
        (
            "Account Executive",
            "Sales Executive",
            "Business Development Manager",
            "Enterprise Sales Rep",
        ),
        {
            "SaaS Sales": ("software sales",),
            "Salesforce": ("SFDC",),
            "Negotiation": ("closing deals",),
            "Pipeline Management": ("pipeline building",),
            "Cold Calling": ("outbound prospecting",),
        },
        (
            "Wins new customers and closes deals from first call to signature.",
            "Consistently beats quota selling software to businesses.",
        ),
        ("customer_success",),
    ),
    Role(
        "customer_success",
        "sales",
        (
            "Customer Success Manager",
            "Account Manager",
            "Client Success Lead",
            "Customer Onboarding Manager",
        ),
        {
            "Customer Retention": ("renewals", "churn reduction"),
            "Onboarding": ("customer onboarding",),
            "Zendesk": ("support tooling",),
            "Upselling": ("expansion revenue",),
            "CRM": ("HubSpot CRM",),
        },
        (
            "Keeps customers happy after the sale so that they renew and grow.",
            "Guides new clients through onboarding and quarterly reviews.",
        ),
        ("account_executive",),
    ),
    Role(
        "marketing",
        "marketing",
        (
            "Growth Marketing Manager",
            "Performance Marketer",
            "Digital Marketing Manager",
            "Acquisition Marketer",
        ),
        {
            "Paid Acquisition": ("PPC", "paid social"),
            "Google Analytics": ("GA4",),
            "SEO": ("search engine optimisation",),
            "Email Marketing": ("lifecycle emails",),
            "HubSpot": ("HubSpot automation",),
        },
        (
            "Runs campaigns that bring in sign-ups at a sustainable cost.",
            "Plans budgets across channels and reports on funnel conversion.",
        ),
        (),
    ),
    Role(
        "nurse",
        "healthcare",
        ("Registered Nurse", "Staff Nurse", "Critical Care Nurse", "Clinical Nurse"),
        {
            "Critical Care": ("intensive care", "ICU"),
            "ACLS": ("advanced cardiac life support",),
            "Patient Care": ("bedside care",),
            "IV Therapy": ("intravenous therapy",),
            "Epic": ("Epic EHR", "electronic health records"),
        },
        (
            "Cares for acutely ill patients on day and night shifts.",
            "Works with physicians on treatment plans and medication on the ward.",
        ),
        ("pharmacist",),
    ),
    Role(
        "pharmacist",
        "healthcare",
        ("Pharmacist", "Clinical Pharmacist", "Hospital Pharmacist", "Dispensing Pharmacist"),
        {
            "Medication Management": ("medicines optimisation",),
            "Dispensing": ("prescription dispensing",),
            "Pharmacology": ("drug interactions",),
            "Patient Counselling": ("advising patients on medicines",),
        },
        (
            "Checks prescriptions and advises patients and doctors on medicines.",
            "Reviews medication for safety and interactions in a hospital.",
        ),
        ("nurse",),
    ),
    Role(
        "accountant",
        "finance",
        (
            "Financial Analyst",
            "FP&A Analyst",
            "Finance Business Partner",
            "Corporate Finance Analyst",
        ),
        {
            "Financial Modeling": ("financial models", "three-statement models"),
            "Budgeting": ("annual budgets",),
            "Forecasting": ("rolling forecasts",),
            "Excel": ("spreadsheets", "Microsoft Excel"),
            "IFRS": ("international accounting standards",),
        },
        (
            "Builds the budget and forecasts and explains the variances to management.",
            "Models revenue and costs to support investment decisions.",
        ),
        ("data_analyst",),
    ),
    Role(
        "recruiter",
        "people",
        ("Technical Recruiter", "Talent Acquisition Partner", "Sourcer", "Recruitment Consultant"),
        {
            "Sourcing": ("candidate sourcing", "headhunting"),
            "Interviewing": ("structured interviews",),
            "Boolean Search": ("boolean strings",),
            "Greenhouse": ("ATS administration",),
            "Employer Branding": ("talent brand",),
        },
        (
            "Finds and hires engineers, from first message to signed offer.",
            "Partners with hiring managers to fill roles quickly and fairly.",
        ),
        (),
    ),
    Role(
        "lawyer",
        "legal",
        ("Privacy Counsel", "Data Protection Lawyer", "Legal Counsel", "Commercial Lawyer"),
        {
            "GDPR": ("EU data protection law",),
            "Commercial Contracts": ("contract negotiation",),
            "Compliance": ("regulatory compliance",),
            "Data Privacy": ("privacy programmes",),
        },
        (
            "Advises product teams on privacy law and negotiates data agreements.",
            "Drafts and negotiates commercial contracts with customers and suppliers.",
        ),
        (),
    ),
    Role(
        "mechanical",
        "engineering",
        (
            "Mechanical Design Engineer",
            "Mechanical Engineer",
            "Product Design Engineer",
            "CAD Engineer",
        ),
        {
            "SolidWorks": ("3D CAD modelling",),
            "GD&T": ("geometric tolerancing",),
            "FEA": ("finite element analysis",),
            "DFM": ("design for manufacturing",),
            "Prototyping": ("physical prototypes",),
        },
        (
            "Designs mechanical assemblies from concept through to production.",
            "Works with suppliers to industrialise new hardware products.",
        ),
        (),
    ),
    Role(
        "teacher",
        "education",
        ("Mathematics Teacher", "Maths Teacher", "Secondary School Teacher", "Math Instructor"),
        {
            "Curriculum Design": ("lesson planning",),
            "Classroom Management": ("behaviour management",),
            "Mathematics": ("algebra and calculus",),
            "Assessment": ("exam preparation",),
        },
        (
            "Teaches maths to secondary school pupils and prepares them for exams.",
            "Plans lessons and tracks each pupil's progress through the year.",
        ),
        (),
    ),
    Role(
        "logistics",
        "operations",
        (
            "Supply Chain Manager",
            "Logistics Coordinator",
            "Operations Planner",
            "Warehouse Operations Manager",
        ),
        {
            "Inventory Management": ("stock control",),
            "SAP": ("SAP ERP",),
            "Demand Planning": ("demand forecasting",),
            "Procurement": ("purchasing",),
            "Lean": ("continuous improvement",),
        },
        (
            "Keeps goods moving from suppliers to warehouses to customers on time.",
            "Plans stock and transport to meet demand at the lowest cost.",
        ),
        (),
    ),
)

ROLE_BY_KEY = {role.key: role for role in ROLES}

# Where profiles live: (city, country code, country name).
PLACES = (
    ("Berlin", "DE", "Germany"),
    ("Munich", "DE", "Germany"),
    ("London", "GB", "United Kingdom"),
    ("Manchester", "GB", "United Kingdom"),
    ("Paris", "FR", "France"),
    ("Amsterdam", "NL", "Netherlands"),
    ("New York", "US", "United States"),
    ("Austin", "US", "United States"),
    ("Toronto", "CA", "Canada"),
    ("Madrid", "ES", "Spain"),
)
