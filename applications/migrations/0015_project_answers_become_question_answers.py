"""Each round's fixed project questions become its own questions, and every answer given to them an answer row.

Until now the project step asked six questions written in code, with their answers in six columns of the
application, and the same step asked for the boroughs and the amount. Each round gets a "Your project" section
with those six questions, worded as they were; every non-empty answer is kept with those words. The boroughs and
amount, which the rest of the service computes on, become a step of their own ("request"): a project step already
saved or completed gives that step the same state, so no one has anything new to do. The questions are written out
here as they were asked on the day, not imported, so later changes to the standard set cannot change this history.
"""

from django.db import migrations

SECTION = {"slug": "project", "title": "Your project", "position": 0}
QUESTIONS = [
    {"code": "title", "kind": "short_text", "label": "Project name", "max_chars": 120, "is_title": True,
     "hint": "A short name we can use in letters, for example 'Hate crime reporting centre in Hackney'."},
    {"code": "summary", "kind": "long_text", "label": "Summarise your project", "max_words": 100, "is_description": True,
     "hint": "In 100 words or fewer. We may publish this summary if you get a grant."},
    {"code": "need", "kind": "long_text", "label": "What need will your project meet?", "max_words": 400,
     "recording_allowed": True,
     "hint": "Tell us about the hate crime Disabled people experience in your area and what stops them getting help."},
    {"code": "activities", "kind": "long_text", "label": "What will you do?", "max_words": 500, "recording_allowed": True,
     "hint": "For example one-to-one support, helping people report to the police, awareness sessions."},
    {"code": "beneficiaries", "kind": "long_text", "label": "Who will benefit, and how will you reach them?",
     "max_words": 300, "recording_allowed": True,
     "hint": "Tell us who the project is for and how many people you expect to support."},
    {"code": "partnership", "kind": "long_text",
     "label": "How will you work with the CATCH partnership, the police and local services?", "max_words": 300,
     "recording_allowed": True,
     "hint": "CATCH is the Community Alliance to Combat Hate. Tell us who you will refer people to and how."},
]
CODES = [question["code"] for question in QUESTIONS]
MOVED_KEYS = {"project-boroughs": "request-boroughs", "project-amount_requested": "request-amount_requested"}


def forwards(apps, schema_editor):
    Round = apps.get_model("applications", "Round")
    Section = apps.get_model("applications", "Section")
    Question = apps.get_model("applications", "Question")
    Application = apps.get_model("applications", "Application")
    Answer = apps.get_model("applications", "Answer")
    ApplicationSection = apps.get_model("applications", "ApplicationSection")
    questions_of = {}
    for round_ in Round.objects.all():
        section = Section.objects.create(round=round_, **SECTION)
        questions_of[round_.pk] = {
            spec["code"]: Question.objects.create(section=section, position=position, **spec)
            for position, spec in enumerate(QUESTIONS)
        }
    answers = []
    for application in Application.objects.values("pk", "round_id", *CODES).iterator():
        questions = questions_of[application["round_id"]]
        answers += [
            Answer(application_id=application["pk"], question=questions[code], label=questions[code].label,
                   value=application[code])
            for code in CODES if application[code]
        ]
    Answer.objects.bulk_create(answers, batch_size=500)
    for project in ApplicationSection.objects.filter(step="project").iterator():
        moved = {MOVED_KEYS[key]: value for key, value in project.data.items() if key in MOVED_KEYS}
        project.data = {key: value for key, value in project.data.items() if key not in MOVED_KEYS}
        project.save(update_fields=["data"])
        ApplicationSection.objects.create(
            application_id=project.application_id, step="request", data=moved, completed_at=project.completed_at,
            saved_by_id=project.saved_by_id,
        )


def backwards(apps, schema_editor):
    Application = apps.get_model("applications", "Application")
    Answer = apps.get_model("applications", "Answer")
    ApplicationSection = apps.get_model("applications", "ApplicationSection")
    for answer in Answer.objects.filter(question__code__in=CODES).select_related("question").iterator():
        Application.objects.filter(pk=answer.application_id).update(**{answer.question.code: answer.value})
    for request in ApplicationSection.objects.filter(step="request").iterator():
        project = ApplicationSection.objects.filter(application_id=request.application_id, step="project").first()
        if project is not None:
            project.data.update({key: request.data[moved] for key, moved in MOVED_KEYS.items() if moved in request.data})
            project.save(update_fields=["data"])
    ApplicationSection.objects.filter(step="request").delete()
    Answer.objects.all().delete()
    apps.get_model("applications", "Question").objects.all().delete()
    apps.get_model("applications", "Section").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("applications", "0014_round_questions")]

    operations = [migrations.RunPython(forwards, backwards)]
