"""Studies: a sweep taken to its answer, end to end, into one folder.

A study screens its assumptions (Morris), ranks the ones that matter (Sobol indices with
bootstrap intervals and a convergence check), applies Earth-side figures that do not change the
city to every run's record afterwards, finds the region of the assumptions where the city
succeeds (PRIM), and states the probability of success and the years to target (Kaplan-Meier),
each with its sampling error. Submodules have one job each: :mod:`.spec` (the YAML schema),
:mod:`.success` (Wilson intervals), :mod:`.survival` (Kaplan-Meier), :mod:`.prim` (scenario
discovery), :mod:`.screening` (which inputs go on to Sobol), :mod:`.convergence` (Sobol at N/2
against N), :mod:`.earth` (post-processing each run's record), :mod:`.figures`, :mod:`.report`
(the Markdown), :mod:`.runner` (the whole study) and :mod:`.answer` (the README's opening
answer from committed results).
"""
