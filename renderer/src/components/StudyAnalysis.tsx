/** The study's analysis (axis plots, isolation plot, boundary warnings, checklist); filled in when the engine's analysis lands. */
export function StudyAnalysis({ studyId, version }: { studyId: number; version: number }) {
  void studyId;
  void version;
  return null;
}
