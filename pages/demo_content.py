"""The demo pages loaded by `manage.py load_demo_content`, written in the clinic's own words.

Every figure names its source in the text and in the page's references. The reviewer is a
placeholder for the demo site; a real clinic replaces it with its own medical reviewer.
"""

from datetime import date
from pathlib import Path

# The demo pages' reviewer: one of the demo clinicians (clinicfacts/demo_content.py).
REVIEWER_NAME = "Dr. Dana Whitfield"
LAST_REVIEWED = date(2026, 10, 1)

# The demo illustration (made by scripts/make_demo_image.py, CC0): imported into the image
# library once, found again by its title. Its id is known only then, so the PTSD body names
# it by DEMO_IMAGE_MARKER and the loader puts the real marker in.
DEMO_IMAGE = {
    "title": "Calm morning (demo illustration)",
    "path": Path(__file__).resolve().parent.parent / "images" / "demo_assets" / "calm-morning.jpg",
    "alt_text": "An illustration of soft green hills under a pale morning sky with a low sun.",
    "credit": "Made by this project with Pillow; CC0 1.0 (images/demo_assets/LICENSE.md).",
}
DEMO_IMAGE_MARKER = "[[image:calm-morning]]"

FEDER_2014 = (
    "Feder A, Parides MK, Murrough JW, et al. Efficacy of intravenous ketamine for "
    "treatment of chronic posttraumatic stress disorder: a randomized clinical trial. "
    "JAMA Psychiatry. 2014;71(6):681-688.",
    "https://doi.org/10.1001/jamapsychiatry.2014.62",
)
FEDER_2021 = (
    "Feder A, Costi S, Rutter SB, et al. A randomized controlled trial of repeated ketamine "
    "administration for chronic posttraumatic stress disorder. Am J Psychiatry. "
    "2021;178(2):193-202.",
    "https://doi.org/10.1176/appi.ajp.2020.20050596",
)
ABDALLAH_2022 = (
    "Abdallah CG, Roache JD, Gueorguieva R, et al. Dose-related effects of ketamine for "
    "antidepressant-resistant symptoms of posttraumatic stress disorder in veterans and "
    "active duty military. Neuropsychopharmacology. 2022;47:1574-1581.",
    "https://doi.org/10.1038/s41386-022-01266-9",
)
VA_PTSD_BASICS = (
    "U.S. Department of Veterans Affairs, National Center for PTSD. PTSD basics.",
    "https://www.ptsd.va.gov/understand/what/ptsd_basics.asp",
)
VA_PTSD_COMMON = (
    "U.S. Department of Veterans Affairs, National Center for PTSD. How common is PTSD in adults?",
    "https://www.ptsd.va.gov/understand/common/common_adults.asp",
)
FDA_SPRAVATO = (
    "U.S. Food and Drug Administration. FDA approves new nasal spray medication for "
    "treatment-resistant depression; available only at a certified doctor's office or "
    "clinic. News release, March 5, 2019.",
    "https://www.fda.gov/news-events/press-announcements/fda-approves-new-nasal-spray-"
    "medication-treatment-resistant-depression-available-only-certified",
)
VA_SPRAVATO_LIMITS = (
    "Military.com. VA imposes strict limits on controversial ketamine-based depression "
    "treatment. June 24, 2019.",
    "https://www.military.com/daily-news/2019/06/24/va-imposes-strict-limits-controversial-"
    "ketamine-based-depression-treatment.html",
)
DAYTRYP_PTSD = (
    "Daytryp Health. Ketamine for PTSD (clinic article citing the psychotherapy and "
    "medication response figures).",
    "",
)
ZARATE_2006 = (
    "Zarate CA Jr, Singh JB, Carlson PJ, et al. A randomized trial of an "
    "N-methyl-D-aspartate antagonist in treatment-resistant major depression. Arch Gen "
    "Psychiatry. 2006;63(8):856-864.",
    "https://doi.org/10.1001/archpsyc.63.8.856",
)
RUSH_2006 = (
    "Rush AJ, Trivedi MH, Wisniewski SR, et al. Acute and longer-term outcomes in depressed "
    "outpatients requiring one or several treatment steps: a STAR*D report. Am J "
    "Psychiatry. 2006;163(11):1905-1917.",
    "https://doi.org/10.1176/ajp.2006.163.11.1905",
)
GLUE_2017 = (
    "Glue P, Medlicott NJ, Harland S, et al. Ketamine's dose-related effects on anxiety "
    "symptoms in patients with treatment refractory anxiety disorders. J Psychopharmacol. "
    "2017;31(10):1302-1305.",
    "",
)
LIFELINE = ("988 Suicide & Crisis Lifeline.", "https://988lifeline.org/")


PTSD_BODY = """\
Post-traumatic stress disorder (PTSD) can make the past feel like it is still happening. \
Many people with PTSD have already tried talking therapy and medicine, and are still \
struggling. Ketamine is one newer option that researchers are studying for them. This \
page explains what PTSD is and how it is usually treated. It also covers what the \
research on ketamine shows so far, and who might be a good fit.

## What is PTSD?

PTSD is a mental health condition. It can develop after a person lives through or sees \
something deeply frightening or harmful. This could be combat, an assault, abuse in \
childhood, violence at home, a serious accident or a disaster. PTSD is more common than \
many people think. The VA (the U.S. Department of Veterans Affairs) has a National \
Center for PTSD. It estimates that about 6 in every 100 people in the United States will \
have PTSD at some point in their lives.

[[image:calm-morning]]

Trauma is thought to change how the brain handles fear and memory. Some people develop \
PTSD after an event and others do not. Why this happens is still an open question for \
researchers.

## Symptoms of PTSD

Symptoms often start soon after the trauma. But they can also appear years later. For \
example, a new life event can bring an old memory back. Common experiences include:

- **Reliving the event**: flashbacks, unwanted memories or nightmares that feel vivid \
and real. A flashback is when it feels as if the event is happening again.
- **Avoidance**: staying away from places, people or conversations that remind you of \
the event. This can make it hard to get support.
- **Feeling on edge**: being easily startled, irritable or angry, and sleeping badly.
- **Changes in mood and thinking**: guilt, shame, numbness, or losing interest in things \
that used to matter.
- **Physical effects**: poor appetite, feeling sick (nausea) or exhaustion.

Without treatment, PTSD can lead to isolation, which means being cut off from other \
people. It can also lead to heavy drinking or drug use, and depression. For some people, \
it can lead to thoughts of suicide.

[[crisis-lines]]

## Traditional therapies for PTSD

Standard care combines talking therapy (psychotherapy) with medicines such as \
antidepressants. The talking therapies with the strongest evidence focus on the trauma \
itself:

- **Exposure therapy** helps a person face memories and situations they have been \
avoiding. This is done safely, step by step, until the memories and situations lose \
their power.
- **Cognitive therapies** help a person notice the beliefs and ways of thinking that \
keep distress going after the trauma. They then help the person change them.
- **Eye movement desensitization and reprocessing (EMDR)** pairs recalling the memory \
with guided eye movements, or with other back-and-forth stimulation. This is thought to \
help the brain file the memory away.

These treatments help many people, but not everyone. Daytryp Health quotes figures on \
this in its clinic article on ketamine for PTSD. By those figures, 46% of people improve \
after six weeks of psychotherapy. And 62% of people taking medication improve. That \
leaves a large group still looking for relief.

[[get-in-touch]]

## How ketamine may help with PTSD

Ketamine has been used as an anesthetic for decades. An anesthetic is a medicine used to \
stop people feeling pain during surgery. At much lower doses, and with medical staff \
watching closely, ketamine is now being studied for depression and PTSD. Its effects on mood \
can appear within hours or days. Most antidepressants take weeks.

### What happens in the brain

Ketamine works in a different way from standard antidepressants. Glutamate is the \
brain's main "go" messenger. It carries signals between nerve cells. Ketamine blocks one \
of the receptors that glutamate acts on, called the NMDA receptor. A receptor is like a \
lock on a nerve cell that a messenger fits into.

Blocking it is thought to set off a burst of glutamate signalling. It is also thought to \
raise levels of a protein called brain-derived neurotrophic factor (BDNF). BDNF helps \
nerve cells grow new connections. Researchers believe this may make the brain more \
flexible again. That might help it loosen fear memories that have become stuck. These \
ideas are still being tested.

### What the research shows

In a randomized trial, chance decides who gets which treatment, or in what order. This \
makes it a fair test.

- A 2014 randomized trial included 41 people with long-term (chronic) PTSD. A single \
ketamine infusion reduced their symptoms 24 hours later, more than an active placebo did \
(Feder et al., *JAMA Psychiatry*, 2014). An infusion is a slow drip of medicine into a \
vein. An active placebo is a drug with some noticeable effects, so people cannot easily \
tell which one they had.
- A 2021 trial included 30 people. Each had six infusions over two weeks. In the \
ketamine group, 67% improved in a meaningful way. In the comparison group, 20% did \
(Feder et al., *American Journal of Psychiatry*, 2021).
- A larger 2022 trial included 158 veterans and service members. It did not find a \
significant improvement in PTSD symptoms compared with a placebo (a dummy treatment). A \
significant result is one that is unlikely to be down to chance. But depression symptoms \
did improve at the standard dose (Abdallah et al., *Neuropsychopharmacology*, 2022).

So the evidence is promising but mixed. The U.S. Food and Drug Administration (FDA) has \
not approved ketamine for PTSD. This means treating PTSD with it is off-label. Off-label \
means it has not been through FDA review for this use, but a doctor can still prescribe \
it. We explain this openly at every consultation.

## Is ketamine for PTSD right for you?

Ketamine may be worth discussing if:

- you have been diagnosed with PTSD by a clinician;
- your symptoms have not improved enough with therapy or medication;
- you are in generally good physical health.

It is not suitable for everyone. These things can rule it out, or mean you need extra \
care:

- high blood pressure that is not under control;
- some heart conditions;
- having had psychosis (losing touch with what is real) in the past;
- pregnancy;
- misusing alcohol or drugs now.

Ketamine works best as part of a wider plan that includes ongoing therapy.

## A note on the VA and esketamine

In March 2019, the FDA approved esketamine (Spravato) for adults with \
treatment-resistant depression. This is depression that has not improved enough after at \
least two antidepressants, each taken at a proper dose for long enough. Esketamine is a \
nasal spray made from one form of the ketamine molecule. It is taken together with an \
antidepressant that you take by mouth.

The VA began offering it to veterans that year. In June 2019, a VA panel limited its \
use, as Military.com reported. This meant each use had to be approved in advance, case \
by case. If you are a veteran interested in ketamine-based care, you can ask your VA \
mental health provider about esketamine. Or you can talk with us about options outside \
the VA.
"""

PTSD_FAQS = [
    (
        "How quickly could ketamine help my PTSD symptoms?",
        "In the research trials, people who responded often noticed a change within a day of "
        "their first infusion (Feder et al., 2014 and 2021). Not everyone responds, and the "
        "effect of a single infusion tends to fade, which is why a course of treatments and "
        "ongoing therapy are usually recommended.",
    ),
    (
        "Is ketamine approved for PTSD?",
        "No. Ketamine is approved by the FDA as an anesthetic, and its nasal-spray relative "
        "esketamine (Spravato) is approved for treatment-resistant depression. Using ketamine "
        "for PTSD is off-label, which means a doctor can prescribe it when they judge it "
        "appropriate, but it has not been through FDA review for this use.",
    ),
    (
        "Will I have to stop my current therapy or medication?",
        "Usually not. Ketamine tends to work best alongside trauma-focused therapy. Some "
        "medicines can interact with ketamine, so our physician reviews everything you take "
        "before treatment and tells you about any changes.",
    ),
    (
        "What does a ketamine session feel like?",
        "Many people feel detached, dreamy or as if time has slowed for part of the session, "
        "and some feel mild nausea or dizziness. These effects usually pass within an hour or "
        "two. A clinician monitors you throughout, and someone else needs to drive you home.",
    ),
]

PTSD_REFERENCES = [
    VA_PTSD_BASICS,
    VA_PTSD_COMMON,
    DAYTRYP_PTSD,
    FEDER_2014,
    FEDER_2021,
    ABDALLAH_2022,
    FDA_SPRAVATO,
    VA_SPRAVATO_LIMITS,
    LIFELINE,
]

DEPRESSION_BODY = """\
Depression is more than a low mood. It can drain your energy and hope. It can also upset \
your sleep and appetite. For some people, the usual treatments do not bring enough \
relief. Ketamine is one option for depression that has not responded to other care.

## When standard treatment isn't enough

Antidepressants and talking therapy (psychotherapy) help many people. But they often do \
not work on the first try. STAR*D was a large study of people with depression. In it, \
roughly a third of people reached remission with their first antidepressant. Remission \
means the symptoms have gone, or almost gone. The chances fell with each further \
treatment step (Rush et al., 2006).

Sometimes depression does not improve after at least two medicines, each taken at a \
proper dose for long enough. This is often called treatment-resistant depression.

## What the evidence shows

- A 2006 randomized trial tested ketamine in people with treatment-resistant depression. \
In a randomized trial, chance decides who gets which treatment, or in what order. A \
single ketamine infusion improved their symptoms within hours (Zarate et al., 2006). An \
infusion is a slow drip of medicine into a vein.
- In March 2019, the FDA approved esketamine (Spravato) for adults with \
treatment-resistant depression. The FDA is the U.S. agency that approves medicines. \
Esketamine is a nasal spray. It is taken together with an antidepressant that you take \
by mouth. It is given only in certified clinics. There, staff watch patients for at \
least two hours afterwards.

Ketamine given into a vein (intravenous ketamine) is prescribed off-label for \
depression. Off-label means it has not been through FDA review for this use. A doctor \
can still prescribe it when they judge it right for you. To keep its effects, people \
usually need repeat treatments and ongoing care.

## If you are having thoughts of suicide

[[crisis-lines]]

## Who may benefit

Ketamine may be worth talking about if:

- you have been diagnosed with depression;
- you have tried at least two treatments without enough improvement;
- you are in generally good physical health.

Our doctor will go through your health history and the medicines you take now. They will \
also check for any reasons it may not be safe for you.

[[get-in-touch]]
"""

DEPRESSION_FAQS = [
    (
        "How many sessions would I need?",
        "Plans differ from person to person. A common starting course is several sessions "
        "over two to three weeks, followed by a review with your clinician and, if it helps, "
        "occasional maintenance sessions.",
    ),
    (
        "Can I keep taking my antidepressant?",
        "In most cases, yes. Esketamine is approved specifically for use together with an "
        "oral antidepressant. Our physician checks every medicine you take before treatment.",
    ),
]

ANXIETY_BODY = """\
Anxiety disorders are common and can be treated. But some people keep living with \
constant worry, panic or fear of social situations. This can go on despite therapy and \
medicine. Researchers are looking at whether ketamine can help this group.

## What we know so far

Research on ketamine for anxiety is at an early stage. Small studies have looked at \
people with generalized anxiety disorder or social anxiety disorder. Generalized anxiety \
disorder means feeling anxious about many things, most of the time. Social anxiety \
disorder means a strong, lasting fear of social situations. The people in these studies \
had not got better with other treatments.

The studies reported less anxiety after ketamine. The effect was bigger at higher doses \
(Glue et al., 2017). But these studies were small. Also, the FDA has not approved \
ketamine for any anxiety disorder. The FDA is the U.S. agency that approves medicines. \
So treating anxiety with ketamine is off-label. This means it has not been through FDA \
review for this use, though a doctor can still prescribe it.

Anxiety often comes with depression or PTSD. So many people we see are thinking about \
ketamine for more than one condition. We talk through the evidence for your situation \
honestly. That includes what is still unknown.

## Approaches that work well for many people

- **Cognitive behavioral therapy (CBT)** is a talking therapy. It teaches practical \
skills for breaking cycles of worry and avoidance.
- **Medicines** such as SSRIs and SNRIs can help. These are types of antidepressant that \
are also used for anxiety. A clinician prescribes them and reviews how they are working.
- **Sleep, exercise and cutting down on alcohol and caffeine** make the other treatments \
work better.

## Is it right for you?

Ketamine may be worth a conversation if your anxiety has not improved enough with proven \
treatments. These are treatments that research has shown to work. Ketamine is not a \
first-line treatment. This means it is not one of the first things to try. It is not \
suitable if you:

- have had psychosis (losing touch with what is real) in the past;
- have high blood pressure that is not under control;
- are misusing alcohol or drugs now.
"""

ANXIETY_FAQS = [
    (
        "Is ketamine addictive?",
        "Ketamine can be misused, which is why we only give it in the clinic, at measured "
        "doses and with monitoring, and never as a take-home prescription. We ask about "
        "substance use at your first visit so we can keep treatment safe.",
    ),
]

TRD_BODY = """\
Treatment-resistant depression is the name doctors use when depression has not improved \
enough after at least two antidepressants, each taken at a proper dose for long enough. \
It does not mean that nothing will help: it means it is time to look at other options.

## Why it happens

There is no single cause. Contributing factors can include a diagnosis that needs \
revisiting, other conditions such as anxiety, PTSD or substance use, medicines that were \
stopped too early, and life stresses that keep symptoms going.

## Options to discuss with a clinician

- Reviewing the diagnosis and any other conditions
- Adding or switching medications, or adding psychotherapy
- Esketamine (Spravato) nasal spray, approved by the FDA in 2019 for this condition when \
taken with an oral antidepressant
- Intravenous ketamine, prescribed off-label
- Brain-stimulation treatments such as TMS or ECT

[[crisis-lines]]
"""

FIRST_VISIT_BODY = """\
Reaching out is often the hardest step. Here is what happens from your first message to \
your first treatment, so there are no surprises.

## 1. You get in touch

Send us a short message through the form or call us. A member of our intake team replies \
within one business day to arrange a time to talk.

## 2. A consultation with our physician

We ask about your health history, your current medicines, your symptoms and what you have \
already tried. We explain the evidence for ketamine in your situation, its risks and its \
costs, and answer every question. You decide in your own time whether to go ahead.

## 3. Your treatment day

- Eat lightly beforehand, as we will advise, and plan for someone to drive you home.
- A clinician checks your blood pressure and stays with you for the whole session.
- Afterwards you rest until the effects have worn off, usually within an hour or two.

## 4. Follow-up

We check in after each session and work with your therapist or doctor, with your \
permission, so that ketamine is part of a wider plan.

## What to bring

- A list of your current medicines and doses
- Any recent letters or records from your doctors or therapists
- Your questions: there are no silly ones
"""

FIRST_VISIT_FAQS = [
    (
        "Do I need a referral?",
        "No. You can contact us directly. With your permission we will contact your doctor "
        "or therapist so your care stays coordinated.",
    ),
    (
        "Can someone come with me?",
        "Yes. A friend or family member is welcome at the consultation, and you will need "
        "someone to take you home after any treatment session.",
    ),
]

TREATMENTS_BODY = """\
We offer ketamine-based care for depression, anxiety and PTSD. It is for people whose \
symptoms have not improved enough with other treatment. Every plan starts with a \
consultation with our doctor. Every treatment is given in our clinic, with medical staff \
watching over you.
"""

CONDITIONS_BODY = """\
Each condition below is explained in plain language: what it is, how it is usually \
treated, and where ketamine may fit.
"""

# parent path, slug, fields, FAQs, references. Parents come before their children.
DEMO_PAGES = [
    {
        "parent": None,
        "slug": "treatments",
        "title": "Treatments",
        "summary": "Ketamine-based treatments for depression, anxiety and PTSD, each given "
        "in our clinic under medical supervision.",
        "body": TREATMENTS_BODY,
        "show_in_navigation": True,
        "navigation_order": 10,
        "faqs": [],
        "references": [],
    },
    {
        "parent": "/treatments/",
        "slug": "ketamine-for-ptsd",
        "title": "Ketamine for PTSD",
        "summary": "How ketamine may help post-traumatic stress disorder when therapy and "
        "medication have not been enough, what the research shows and who it may suit.",
        "body": PTSD_BODY,
        "show_in_navigation": False,
        "navigation_order": 10,
        "faqs": PTSD_FAQS,
        "references": PTSD_REFERENCES,
        "social_image": DEMO_IMAGE["title"],
    },
    {
        "parent": "/treatments/",
        "slug": "ketamine-for-depression",
        "title": "Ketamine for depression",
        "summary": "Ketamine and esketamine for depression that has not responded to "
        "other treatment: the evidence, the options and who may benefit.",
        "body": DEPRESSION_BODY,
        "show_in_navigation": False,
        "navigation_order": 20,
        "faqs": DEPRESSION_FAQS,
        "references": [RUSH_2006, ZARATE_2006, FDA_SPRAVATO, LIFELINE],
    },
    {
        "parent": "/treatments/",
        "slug": "ketamine-for-anxiety",
        "title": "Ketamine for anxiety",
        "summary": "What early research says about ketamine for anxiety that has not "
        "responded to therapy or medication, and the approaches that help most people.",
        "body": ANXIETY_BODY,
        "show_in_navigation": False,
        "navigation_order": 30,
        "faqs": ANXIETY_FAQS,
        "references": [GLUE_2017],
    },
    {
        "parent": None,
        "slug": "conditions",
        "title": "Conditions",
        "summary": "Plain-language guides to the conditions we treat and the options "
        "available for each.",
        "body": CONDITIONS_BODY,
        "show_in_navigation": True,
        "navigation_order": 20,
        "faqs": [],
        "references": [],
    },
    {
        "parent": "/conditions/",
        "slug": "treatment-resistant-depression",
        "title": "Treatment-resistant depression",
        "summary": "What it means when depression hasn't improved after two or more "
        "treatments, why it happens and the options worth discussing.",
        "body": TRD_BODY,
        "show_in_navigation": False,
        "navigation_order": 10,
        "faqs": [],
        "references": [FDA_SPRAVATO, LIFELINE],
    },
    {
        "parent": None,
        "slug": "your-first-visit",
        "title": "What to expect at your first visit",
        "navigation_title": "Your first visit",
        "summary": "From your first message to your first session: what happens at each "
        "step, how long it takes and what to bring.",
        "body": FIRST_VISIT_BODY,
        "show_in_navigation": True,
        "navigation_order": 30,
        "faqs": FIRST_VISIT_FAQS,
        "references": [],
    },
]
