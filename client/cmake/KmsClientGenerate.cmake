# kms_add_cpp_client(<target> KMD <file.kmd.json>...)
#
# Generates the typed C++ proxies of every listed module (kurento-module-creator
# --generate-cpp-client) into ${CMAKE_CURRENT_BINARY_DIR}/<target>-generated and builds them
# as the static library <target>, which links Kms::client. List each module together with
# the modules it imports (e.g. core and elements): each IDL is generated with the others as
# --import-kmd. An application includes "<module>Client.hpp" (e.g. "elementsClient.hpp").
#
# KMS_MODULE_CREATOR names the generator (set by the KmsClient package, or by the source tree).
function(kms_add_cpp_client target)
  cmake_parse_arguments(C "" "" "KMD" ${ARGN})
  if(NOT C_KMD)
    message(FATAL_ERROR "kms_add_cpp_client(${target}): give the IDL files with KMD")
  endif()
  if(NOT KMS_MODULE_CREATOR)
    message(FATAL_ERROR "kms_add_cpp_client(${target}): KMS_MODULE_CREATOR is not set "
                        "(use find_package(KmsClient))")
  endif()
  set(out ${CMAKE_CURRENT_BINARY_DIR}/${target}-generated)
  set(all_kmd)
  foreach(kmd ${C_KMD})
    get_filename_component(kmd_path ${kmd} ABSOLUTE)
    list(APPEND all_kmd ${kmd_path})
  endforeach()
  set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${all_kmd})

  set(sources)
  foreach(kmd ${all_kmd})
    file(READ ${kmd} kmd_text)
    string(JSON module_name ERROR_VARIABLE json_error GET "${kmd_text}" name)
    if(json_error)
      message(FATAL_ERROR "${kmd}: cannot read the module name: ${json_error}")
    endif()
    set(import_args)
    foreach(other ${all_kmd})
      if(NOT other STREQUAL kmd)
        list(APPEND import_args --import-kmd ${other})
      endif()
    endforeach()
    set(files ${out}/${module_name}Client.hpp ${out}/${module_name}Client.cpp)
    # The generator leaves unchanged files alone: touch them so the rule is satisfied.
    add_custom_command(OUTPUT ${files}
      COMMAND ${KMS_MODULE_CREATOR} --generate-cpp-client --kmd ${kmd} ${import_args}
              --output ${out}
      COMMAND ${CMAKE_COMMAND} -E touch ${files}
      DEPENDS ${all_kmd} ${KMS_MODULE_CREATOR_DEPENDS}
      COMMENT "Generating the C++ client of module ${module_name}"
      VERBATIM)
    list(APPEND sources ${out}/${module_name}Client.cpp)
  endforeach()

  add_library(${target} STATIC ${sources})
  target_include_directories(${target} PUBLIC ${out})
  target_link_libraries(${target} PUBLIC Kms::client)
  set_target_properties(${target} PROPERTIES POSITION_INDEPENDENT_CODE ON)
endfunction()
