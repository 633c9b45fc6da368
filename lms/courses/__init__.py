"""Course, lesson and seasonal-class pages, enrolment, progress and study hours.

Filled by the courses issue; the foundation only reserves the package.
"""
